using System.Diagnostics;
using Federated.Coordinator.Persistence;
using Federated.Coordinator.Rounds;
using Federated.Simulations.Reporting;

namespace Federated.Simulations.Engine;

/// <summary>
/// The simulation's hook into the coordinator's round loop: before a round it sets which virtual
/// clients are online; after it, it turns the persisted round into a <see cref="RoundReport"/>.
/// </summary>
internal sealed class SimulationRoundObserver(
    SimulationContext context,
    IReadOnlyList<VirtualClient> clients,
    SimulationCentralEvaluator evaluator,
    TimeSpan clientTimeout,
    Action<RoundReport> report) : IRoundObserver
{
    private readonly Stopwatch _round = new();

    public async Task BeforeRoundAsync(long round, CancellationToken cancellationToken)
    {
        _round.Restart();
        context.Pool.TakeBusySeconds();
        context.TakeBytes();

        bool anyOffline = false;
        foreach (var client in clients)
        {
            bool offline = context.Faults.IsOffline(round, client.Number);
            client.SetOnline(!offline);
            anyOffline |= offline;
        }
        if (!anyOffline) return;

        // Offline clients must not be heard from: wait until their open polls have ended, let
        // simulated time pass so every client looks stale, then let the online ones check in.
        foreach (var client in clients)
        {
            if (client.IsOffline) await client.PollIdle.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        context.AdvanceClockTo(context.Clock.GetUtcNow() + clientTimeout + TimeSpan.FromSeconds(1));
        foreach (var client in clients)
        {
            if (!client.IsOffline) context.Gateway.Heartbeat(client.ClientId);
        }
    }

    public Task RoundFinishedAsync(RoundRecord round, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(round);
        var (sent, received) = context.TakeBytes();
        int participants = (int)round.Metrics.GetValueOrDefault("fit_results", 0);
        int selected = context.LastStageTasks;
        report(new RoundReport
        {
            Round = round.Round,
            Accuracy = round.Metrics.GetValueOrDefault("central_accuracy", double.NaN),
            Loss = round.Metrics.GetValueOrDefault("central_loss", double.NaN),
            Selected = selected,
            Participants = round.Status == RoundStatus.Completed ? participants : 0,
            Failures = selected - (round.Status == RoundStatus.Completed ? participants : 0),
            BytesSent = sent,
            BytesReceived = received,
            WallSeconds = _round.Elapsed.TotalSeconds,
            TrainingSeconds = context.Pool.TakeBusySeconds(),
            EvaluationSeconds = evaluator.LastSeconds,
            Completed = round.Status == RoundStatus.Completed,
            Epsilon = round.Metrics.GetValueOrDefault("dp_epsilon", double.NaN),
        });
        return Task.CompletedTask;
    }
}
