using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Training;

namespace Federated.Benchmarks.Scenarios.MqttFleet;

/// <summary>
/// A device that "trains" at once: a small update fixed by its seed, so a fleet of a thousand costs
/// the machine its MQTT traffic, not training, and the figures are about the coordinator and broker.
/// </summary>
internal sealed class ScriptedDeltaTrainer(int seed) : ILocalTrainer
{
    public Task<FitOutcome> FitAsync(ModelArchitecture architecture, ParameterBuffer global, TrainingConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(global);
        var delta = new ParameterBuffer(global.Layout);
        var random = new Random(seed);
        var values = delta.Values;
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() - 0.5) * 1e-3f;
        return Task.FromResult(new FitOutcome(delta, 100, new Dictionary<string, double>()));
    }

    public Task<EvaluationOutcome> EvaluateAsync(ModelArchitecture architecture, ParameterBuffer parameters, CancellationToken cancellationToken) =>
        Task.FromResult(new EvaluationOutcome(100, 1.0, 0.5, new Dictionary<string, double>()));
}
