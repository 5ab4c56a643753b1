using Federated.Client.Torch;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Training;

namespace Federated.Simulations.Engine;

/// <summary>
/// A virtual client's trainer: waits for one of the pool's few slots, materialises the client's
/// examples only for the length of the fit, and trains with the production TorchSharp trainer;
/// a Byzantine client then replaces its update with an attack.
/// </summary>
internal sealed class PooledTrainer(VirtualClient client, SimulationContext context) : ILocalTrainer
{
    public async Task<FitOutcome> FitAsync(ModelArchitecture architecture, ParameterBuffer global, TrainingConfig config, CancellationToken cancellationToken)
    {
        long order = client.Current?.Order ?? long.MaxValue;
        using var slot = await context.Pool.AcquireAsync(order, cancellationToken).ConfigureAwait(false);
        var trainer = new TorchTrainer(context.Train.Select(client.Indices), null, context.Device, threads: context.ThreadsPerWorker);
        var outcome = await trainer.FitAsync(architecture, global, config, cancellationToken).ConfigureAwait(false);
        // A Byzantine client trains like the others (same cost), then sends something else.
        if (context.Faults.IsByzantine(client.Number))
            ByzantineAttack.Apply(outcome.Delta.Values, context.Faults.Spec, unchecked((int)config.Seed));
        return outcome;
    }

    public Task<EvaluationOutcome> EvaluateAsync(ModelArchitecture architecture, ParameterBuffer parameters, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Simulated clients hold no held-out split: simulations evaluate every global model centrally on the test set.");
}
