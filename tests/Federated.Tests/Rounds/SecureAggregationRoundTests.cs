using Federated.Coordinator.Options;
using Federated.Coordinator.Rounds;
using Federated.SecureAggregation;

namespace Federated.Tests.Rounds;

/// <summary>The coordinator's wrapper of one secure round: task numbering, phase closing, refusals.</summary>
public class SecureAggregationRoundTests
{
    private static SecureAggregationRound Round(int clients) =>
        new(1, [.. Enumerable.Range(0, clients).Select(i => ($"task-{i}", $"client-{i}"))], 6, new SecureAggregationSettings { Enabled = true });

    private static SecureAggregationClient ClientFor(SecureAggregationRound round, string taskId)
    {
        var setup = SecureAggregationWire.ReadSetup(round.SetupFor(taskId));
        return new SecureAggregationClient(setup.Options, setup.RoundId, setup.ClientIndex, setup.GraphSeed);
    }

    [Fact]
    public async Task A_malformed_message_removes_its_sender_and_the_phase_closes_when_the_rest_have_spoken()
    {
        // Five clients, classic k = 4, t = 3: every one still has t live neighbours after one leaves.
        var round = Round(5);
        var refused = await round.StepAsync("task-4", "client-4", 0, [1, 2, 3], CancellationToken.None);
        Assert.Equal(SecureStepKind.Rejected, refused.Kind);
        Assert.Contains("malformed advertise-keys message", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(0, round.OpenPhase.Phase);

        var waiting = new List<Task<SecureStepOutcome>>();
        for (int i = 0; i < 4; i++)
        {
            using var client = ClientFor(round, $"task-{i}");
            waiting.Add(round.StepAsync($"task-{i}", $"client-{i}", 0, SecureAggregationWire.Write(client.AdvertiseKeys()), CancellationToken.None));
        }
        var outcomes = await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(outcomes, o => Assert.Equal(SecureStepKind.Next, o.Kind));
        Assert.Equal(1, round.OpenPhase.Phase);
    }

    [Fact]
    public async Task A_step_for_another_clients_task_or_a_closed_phase_is_refused()
    {
        var round = Round(3);
        var foreign = await round.StepAsync("task-0", "client-1", 0, [], CancellationToken.None);
        Assert.Contains("issued to another client", foreign.Reason, StringComparison.Ordinal);
        var early = await round.StepAsync("task-0", "client-0", 2, [], CancellationToken.None);
        Assert.Contains("is not open", early.Reason, StringComparison.Ordinal);
    }
}
