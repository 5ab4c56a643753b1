using Federated.Simulations.Engine;
using Federated.Simulations.Scenarios;

namespace Federated.Tests.Simulations.Engine;

public class EngineBuildingBlocksTests
{
    [Fact]
    public async Task Sequencer_releases_turns_in_order_and_skips_silent_tasks()
    {
        var sequencer = new SubmissionSequencer(4);
        var order = new List<int>();
        async Task Submit(int i)
        {
            await sequencer.WaitTurnAsync(i, CancellationToken.None);
            lock (order) order.Add(i);
            sequencer.Complete(i, submitted: true);
        }
        Task[] turns = [Submit(3), Submit(1), Submit(0)];
        Assert.False(sequencer.AllDone.IsCompleted);
        sequencer.Complete(2, submitted: false);
        await Task.WhenAll(turns).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([0, 1, 3], order);
        Assert.True(sequencer.AllDone.IsCompleted);
        Assert.Equal(1, sequencer.Skipped);
    }

    [Fact]
    public async Task Worker_pool_serves_the_lowest_order_first()
    {
        var pool = new WorkerPool(1);
        var first = await pool.AcquireAsync(5, CancellationToken.None);
        var late = pool.AcquireAsync(9, CancellationToken.None);
        var early = pool.AcquireAsync(2, CancellationToken.None);
        Assert.False(late.IsCompleted || early.IsCompleted);
        first.Dispose();
        var second = await early.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(late.IsCompleted);
        second.Dispose();
        (await late.WaitAsync(TimeSpan.FromSeconds(30))).Dispose();
    }

    [Fact]
    public async Task Worker_pool_skips_waiters_that_gave_up()
    {
        var pool = new WorkerPool(1);
        var held = await pool.AcquireAsync(0, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var abandoned = pool.AcquireAsync(1, cancel.Token);
        var patient = pool.AcquireAsync(2, CancellationToken.None);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        held.Dispose();
        (await patient.WaitAsync(TimeSpan.FromSeconds(30))).Dispose();
    }

    [Fact]
    public void Fault_plan_is_a_pure_function_of_seed_round_and_client()
    {
        var spec = new FaultSpec { DropoutProbability = 0.3, StragglerFraction = 0.2, UnavailableProbability = 0.1 };
        var a = new FaultPlan(spec, 11, 600);
        var b = new FaultPlan(spec, 11, 600);
        var c = new FaultPlan(spec, 12, 600);
        int drops = 0, differences = 0;
        for (int client = 0; client < 2000; client++)
        {
            Assert.Equal(a.DropsOut(3, client), b.DropsOut(3, client));
            Assert.Equal(a.IsStraggler(client), b.IsStraggler(client));
            if (a.DropsOut(3, client)) drops++;
            if (a.DropsOut(3, client) != c.DropsOut(3, client)) differences++;
        }
        Assert.InRange(drops, 500, 700); // 30% of 2,000
        Assert.True(differences > 0);
    }
}
