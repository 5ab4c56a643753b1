using Federated.Shared.Models;
using Microsoft.Extensions.Options;

namespace Federated.Coordinator.Options;

/// <summary>Checks <see cref="FederationOptions"/> at start-up; every failure names its configuration key.</summary>
public sealed class FederationOptionsValidator : IValidateOptions<FederationOptions>
{
    public ValidateOptionsResult Validate(string? name, FederationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string S = FederationOptions.SectionName;
        var failures = new List<string>();
        void Require(bool condition, string key, object? value, string rule)
        {
            if (!condition) failures.Add($"{S}:{key} = '{value}' is invalid: {rule}.");
        }

        try
        {
            _ = ModelZoo.Resolve(options.Model);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            failures.Add($"{S}:Model = '{options.Model}' is invalid: {e.Message}");
        }
        Require(options.Rounds >= 1, "Rounds", options.Rounds, "must be at least 1");
        Require(options.MinClients >= 1, "MinClients", options.MinClients, "must be at least 1");
        Require(options.ClientsPerRound >= 1, "ClientsPerRound", options.ClientsPerRound, "must be at least 1");
        Require(options.FractionPerRound is >= 0 and <= 1, "FractionPerRound", options.FractionPerRound, "must be in [0, 1]");
        Require(options.MinResults >= 1, "MinResults", options.MinResults, "must be at least 1");
        Require(options.MinResults <= Math.Max(options.ClientsPerRound, options.MinClients), "MinResults", options.MinResults,
            $"cannot exceed the clients asked per round ({Math.Max(options.ClientsPerRound, options.MinClients)})");
        Require(options.RoundTimeout > TimeSpan.Zero, "RoundTimeout", options.RoundTimeout, "must be positive");
        Require(options.EvaluationTimeout > TimeSpan.Zero, "EvaluationTimeout", options.EvaluationTimeout, "must be positive");
        Require(options.ClientTimeout > TimeSpan.Zero, "ClientTimeout", options.ClientTimeout, "must be positive");
        Require(options.MaxUpdateNorm >= 0 && double.IsFinite(options.MaxUpdateNorm), "MaxUpdateNorm", options.MaxUpdateNorm, "must be 0 (no bound) or positive");
        Require(Enum.IsDefined(options.UpdateNormPolicy), "UpdateNormPolicy", options.UpdateNormPolicy, "must be Reject or Clip");
        Require(options.MaxExampleCount >= 1, "MaxExampleCount", options.MaxExampleCount, "must be at least 1");
        Require(!string.IsNullOrWhiteSpace(options.DatabasePath), "DatabasePath", options.DatabasePath, "must name a file");
        Require(options.ChunkBytes is >= 1024 and <= 4 * 1024 * 1024 - 1024, "ChunkBytes", options.ChunkBytes, "must be between 1 KiB and just under 4 MiB");
        Require(options.MaxConcurrentUploads is >= 1 and <= 1024, "MaxConcurrentUploads", options.MaxConcurrentUploads, "must be between 1 and 1024");
        var secure = options.SecureAggregation;
        if (secure.Enabled)
        {
            const string A = "SecureAggregation:";
            Require(secure.NeighbourDegree is null or >= 2, A + "NeighbourDegree", secure.NeighbourDegree, "must be at least 2 (or unset for the recommended degree)");
            Require(secure.NeighbourDegree is null || secure.NeighbourDegree % 2 == 0, A + "NeighbourDegree", secure.NeighbourDegree, "must be even (a Harary graph)");
            Require(secure.ExpectedDropout is >= 0 and < 1, A + "ExpectedDropout", secure.ExpectedDropout, "must be in [0, 1)");
            Require(secure.ThresholdFraction is null or (> 0 and <= 1), A + "ThresholdFraction", secure.ThresholdFraction, "must be in (0, 1]");
            Require(float.IsFinite(secure.ClipRange) && secure.ClipRange > 0, A + "ClipRange", secure.ClipRange, "must be a positive number");
            Require(secure.BitWidth is >= 8 and <= 32, A + "BitWidth", secure.BitWidth, "must be between 8 and 32");
            Require(float.IsFinite(secure.MaxExampleWeight) && secure.MaxExampleWeight >= 1, A + "MaxExampleWeight", secure.MaxExampleWeight, "must be at least 1");
            Require(secure.PhaseTimeout > TimeSpan.Zero, A + "PhaseTimeout", secure.PhaseTimeout, "must be positive");
            Require(options.ClientsPerRound >= 3 || options.MinClients >= 3, "ClientsPerRound", options.ClientsPerRound, "must be at least 3 with secure aggregation (a sum of two reveals each to the other)");
            Require(!Strategies.StrategyFactory.NeedsSingleUpdates(options.Strategy.Name), "Strategy:Name", options.Strategy.Name,
                $"cannot run with {S}:SecureAggregation:Enabled = true: a robust strategy must see single updates, secure aggregation reveals only their sum");
        }
        Require(Enum.IsDefined(options.Mode), "Mode", options.Mode, "must be Synchronous or FedBuff");
        if (options.Mode == FederationMode.FedBuff)
        {
            const string B = "FedBuff:";
            var buffered = options.FedBuff;
            Require(buffered.BufferSize >= 1, B + "BufferSize", buffered.BufferSize, "must be at least 1");
            Require(buffered.Concurrency >= 1, B + "Concurrency", buffered.Concurrency, "must be at least 1");
            Require(buffered.MaxStaleness >= 0, B + "MaxStaleness", buffered.MaxStaleness, "must be 0 or more");
            Require(buffered.ServerLearningRate > 0 && double.IsFinite(buffered.ServerLearningRate), B + "ServerLearningRate", buffered.ServerLearningRate, "must be a positive number");
            Require(buffered.StalenessExponent >= 0 && double.IsFinite(buffered.StalenessExponent), B + "StalenessExponent", buffered.StalenessExponent, "must be 0 or more");
            Require(!secure.Enabled, "Mode", options.Mode, $"cannot run with {S}:SecureAggregation:Enabled = true: secure aggregation needs a synchronous cohort");
            Require(string.Equals(options.Strategy.Name, "fedavg", StringComparison.OrdinalIgnoreCase), "Strategy:Name", options.Strategy.Name,
                $"must be fedavg with {S}:Mode = FedBuff (FedBuff is its own server rule)");
        }
        var training = options.Training;
        Require(training.Epochs >= 1, "Training:Epochs", training.Epochs, "must be at least 1");
        Require(training.BatchSize >= 1, "Training:BatchSize", training.BatchSize, "must be at least 1");
        Require(training.LearningRate > 0 && double.IsFinite(training.LearningRate), "Training:LearningRate", training.LearningRate, "must be a positive number");
        Require(training.Momentum is >= 0 and < 1, "Training:Momentum", training.Momentum, "must be in [0, 1)");
        Require(training.WeightDecay >= 0 && double.IsFinite(training.WeightDecay), "Training:WeightDecay", training.WeightDecay, "must be non-negative");
        Require(training.ProximalMu >= 0 && double.IsFinite(training.ProximalMu), "Training:ProximalMu", training.ProximalMu, "must be non-negative");
        Require(Enum.IsDefined(training.Optimizer), "Training:Optimizer", training.Optimizer, "must be Sgd or Adam");
        failures.AddRange(Privacy.PrivacySettingsValidator.Validate(options));
        failures.AddRange(Strategies.StrategyFactory.Validate(options.Strategy.Name, options.Strategy.Options, options));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
