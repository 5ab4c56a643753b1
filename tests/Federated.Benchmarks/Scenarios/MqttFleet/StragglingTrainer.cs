using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Training;

namespace Federated.Benchmarks.Scenarios.MqttFleet;

/// <summary>
/// A device of a given speed that sometimes gives up: each task first takes the device's own
/// <paramref name="delay"/> (a phone slower or busier than the machine running the fleet), then
/// the real training; with probability <paramref name="dropout"/> the device abandons the task
/// silently (the app killed, the phone out of signal) and is heard from again only after the
/// task's deadline. Draws come from the device's own seeded stream, so its k-th task is dropped
/// or not whichever federation mode hands it out.
/// </summary>
internal sealed class StragglingTrainer(ILocalTrainer inner, TimeSpan delay, double dropout, int seed) : ILocalTrainer
{
    private readonly Random _random = new(seed);

    public async Task<FitOutcome> FitAsync(ModelArchitecture architecture, ParameterBuffer global, TrainingConfig config, CancellationToken cancellationToken)
    {
        // One task at a time per device (its task loop is sequential), so the stream needs no lock.
        bool abandons = _random.NextDouble() < dropout;
        // The task loop cancels at the task's deadline; until then the device says nothing.
        if (abandons) await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        return await inner.FitAsync(architecture, global, config, cancellationToken).ConfigureAwait(false);
    }

    public Task<EvaluationOutcome> EvaluateAsync(ModelArchitecture architecture, ParameterBuffer parameters, CancellationToken cancellationToken) =>
        inner.EvaluateAsync(architecture, parameters, cancellationToken);
}
