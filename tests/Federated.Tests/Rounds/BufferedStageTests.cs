using Federated.Coordinator.Options;
using Federated.Coordinator.Rounds;
using Federated.Shared.Models;

namespace Federated.Tests.Rounds;

public class BufferedStageTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static RoundStage Stage(int bufferSize, int maxStaleness) =>
        new(1, ModelArchitecture.Parse("input 1; linear 1 1").Layout, new BufferedAggregationSettings { BufferSize = bufferSize, MaxStaleness = maxStaleness, StalenessExponent = 0.5 });

    private static void Answer(RoundStage stage, string taskId, string clientId, float value)
    {
        Assert.True(stage.TryClaim(taskId, clientId, Now, out string? reason), reason);
        Assert.Null(stage.StaleReason(taskId));
        Assert.True(stage.AcceptUpdate(taskId, [value, value], 1));
    }

    [Fact]
    public void Every_K_updates_close_a_server_step_and_later_updates_carry_their_staleness()
    {
        var stage = Stage(bufferSize: 2, maxStaleness: 5);
        stage.AddBufferedTask("old", "c0", 1, Now.AddMinutes(1));   // issued in step 1
        stage.AddBufferedTask("a", "c1", 1, Now.AddMinutes(1));
        stage.AddBufferedTask("b", "c2", 1, Now.AddMinutes(1));
        Answer(stage, "a", "c1", 1f);
        Assert.False(stage.TryTakeFullStep(out _, out _));
        Answer(stage, "b", "c2", 3f);
        Assert.Equal(2, stage.Round);                                // step 2 is open at once

        Assert.True(stage.TryTakeFullStep(out long round, out var full));
        Assert.Equal(1, round);
        Assert.Equal(2, full.WeightSum, 6);                          // both fresh
        stage.Recycle(full);                                         // only empty buffers are kept; this one still holds two

        stage.AddBufferedTask("c", "c3", 2, Now.AddMinutes(1));       // issued in step 2
        Answer(stage, "old", "c0", 2f);                              // one step stale
        Answer(stage, "c", "c3", 2f);
        Assert.True(stage.TryTakeFullStep(out round, out full));
        Assert.Equal(2, round);
        Assert.Equal(1 / Math.Sqrt(2) + 1, full.WeightSum, 6);
        Assert.Equal(1, full.MaxStaleness);
        Assert.Empty(stage.BusyClients());
    }

    [Fact]
    public void Updates_beyond_the_staleness_bound_are_refused_with_the_reason()
    {
        var stage = Stage(bufferSize: 1, maxStaleness: 0);
        stage.AddBufferedTask("slow", "c0", 1, Now.AddMinutes(1));
        stage.AddBufferedTask("fast", "c1", 1, Now.AddMinutes(1));
        Answer(stage, "fast", "c1", 1f);                             // step 1 closes
        Assert.True(stage.TryClaim("slow", "c0", Now, out _));
        string? reason = stage.StaleReason("slow");
        Assert.NotNull(reason);
        Assert.Contains("1 server steps stale", reason, StringComparison.Ordinal);
        Assert.Contains("bound is 0", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Tasks_past_their_own_deadline_expire_and_free_their_client()
    {
        var stage = Stage(bufferSize: 4, maxStaleness: 5);
        stage.AddBufferedTask("early", "c0", 1, Now.AddSeconds(10));
        stage.AddBufferedTask("late", "c1", 1, Now.AddSeconds(60));
        Assert.Equal(["early"], stage.ExpireOverdue(Now.AddSeconds(30)));
        Assert.Equal(["c1"], stage.BusyClients());
        Assert.False(stage.TryClaim("late", "c1", Now.AddSeconds(61), out string? reason));
        Assert.Contains("after its deadline", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_task_given_the_model_before_a_full_step_is_applied_counts_its_staleness_from_that_model()
    {
        var stage = Stage(bufferSize: 1, maxStaleness: 5);
        stage.AddBufferedTask("a", "c1", 1, Now.AddMinutes(1));
        Answer(stage, "a", "c1", 1f);                                // step 1 is full; step 2 is open
        Assert.Equal(2, stage.Round);
        // The orchestrator has not applied step 1 yet: the newest model is still round 1's input.
        stage.AddBufferedTask("b", "c2", 1, Now.AddMinutes(1));
        Assert.Equal(1, stage.RoundOf("b"));
        Answer(stage, "b", "c2", 1f);
        Assert.True(stage.TryTakeFullStep(out _, out _));
        Assert.True(stage.TryTakeFullStep(out long round, out var second));
        Assert.Equal(2, round);
        Assert.Equal(1, second.MaxStaleness);
    }

    [Fact]
    public void A_task_cannot_start_from_a_round_after_the_open_step()
    {
        var stage = Stage(bufferSize: 2, maxStaleness: 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => stage.AddBufferedTask("early", "c1", 2, Now.AddMinutes(1)));
    }
}
