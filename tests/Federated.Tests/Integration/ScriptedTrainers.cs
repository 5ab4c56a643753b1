using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Training;

namespace Federated.Tests.Integration;

/// <summary>
/// Trainers with a scripted answer, for testing the coordinator's handling of what clients send
/// (the training itself is covered by the TorchSharp tests and the Fashion-MNIST federation).
/// </summary>
internal sealed class ConstantDeltaTrainer(float value, long examples) : ILocalTrainer
{
    public Task<FitOutcome> FitAsync(ModelArchitecture architecture, ParameterBuffer global, TrainingConfig config, CancellationToken cancellationToken)
    {
        var delta = new ParameterBuffer(global.Layout);
        delta.Values.Fill(value);
        return Task.FromResult(new FitOutcome(delta, examples, new Dictionary<string, double> { ["train_loss"] = 1 }));
    }

    public Task<EvaluationOutcome> EvaluateAsync(ModelArchitecture architecture, ParameterBuffer parameters, CancellationToken cancellationToken) =>
        Task.FromResult(new EvaluationOutcome(examples, 0.5, 0.75, new Dictionary<string, double>()));
}

/// <summary>Never finishes a task: it waits until the task's deadline cancels it.</summary>
internal sealed class SilentTrainer : ILocalTrainer
{
    public async Task<FitOutcome> FitAsync(ModelArchitecture architecture, ParameterBuffer global, TrainingConfig config, CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        throw new InvalidOperationException("unreachable");
    }

    public async Task<EvaluationOutcome> EvaluateAsync(ModelArchitecture architecture, ParameterBuffer parameters, CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        throw new InvalidOperationException("unreachable");
    }
}
