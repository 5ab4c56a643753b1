using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Training;

namespace Federated.Benchmarks.Scenarios;

/// <summary>
/// A trainer that "trains" instantly: a seeded small random update, so a scenario measures the
/// coordinator, not training. Its fit after <paramref name="warmUpRounds"/> rounds waits at
/// <paramref name="warmedUp"/>, so the scenario can take the coordinator's baseline once every client
/// has finished the warm-up rounds.
/// </summary>
internal sealed class ReadyUpdateTrainer(int seed, WarmUpBarrier warmedUp, int warmUpRounds = 1) : ILocalTrainer
{
    private int _fits;

    public async Task<FitOutcome> FitAsync(ModelArchitecture architecture, ParameterBuffer global, TrainingConfig config, CancellationToken cancellationToken)
    {
        if (++_fits == warmUpRounds + 1) await warmedUp.ArriveAndWaitAsync(cancellationToken).ConfigureAwait(false);
        var delta = new ParameterBuffer(global.Layout);
        var random = new Random(seed);
        var values = delta.Values;
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() - 0.5) * 1e-2f;
        return new FitOutcome(delta, 600, new Dictionary<string, double>());
    }

    public Task<EvaluationOutcome> EvaluateAsync(ModelArchitecture architecture, ParameterBuffer parameters, CancellationToken cancellationToken) =>
        Task.FromResult(new EvaluationOutcome(100, 1.0, 0.5, new Dictionary<string, double>()));
}

/// <summary>Holds every client at its second fit until the scenario has read the baseline and calls <see cref="Release"/>.</summary>
internal sealed class WarmUpBarrier(int clients)
{
    private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public Task AllArrived => _allArrived.Task;

    public async Task ArriveAndWaitAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _arrived) == clients) _allArrived.SetResult();
        await _released.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Release() => _released.TrySetResult();
}
