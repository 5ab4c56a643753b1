using Federated.Client.Training;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Training;

namespace Federated.Benchmarks.Scenarios;

/// <summary>A trainer that "trains" instantly: a seeded small random update, so a scenario measures the coordinator, not training.</summary>
internal sealed class ReadyUpdateTrainer(int seed) : ILocalTrainer
{
    public Task<FitOutcome> FitAsync(ModelArchitecture architecture, ParameterBuffer global, TrainingConfig config, CancellationToken cancellationToken)
    {
        var delta = new ParameterBuffer(global.Layout);
        var random = new Random(seed);
        var values = delta.Values;
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() - 0.5) * 1e-2f;
        return Task.FromResult(new FitOutcome(delta, 600, new Dictionary<string, double>()));
    }

    public Task<EvaluationOutcome> EvaluateAsync(ModelArchitecture architecture, ParameterBuffer parameters, CancellationToken cancellationToken) =>
        Task.FromResult(new EvaluationOutcome(100, 1.0, 0.5, new Dictionary<string, double>()));
}
