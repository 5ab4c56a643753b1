using Federated.SecureAggregation;

namespace Federated.Tests.SecureAggregation;

public class SharedLoopTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    public void Every_index_runs_once_and_every_state_is_disposed(int count)
    {
        var runs = new int[count];
        var states = new System.Collections.Concurrent.ConcurrentBag<Counter>();
        SharedLoop<Counter>.Run(
            count,
            () =>
            {
                var state = new Counter();
                states.Add(state);
                return state;
            },
            (index, state) =>
            {
                Interlocked.Increment(ref runs[index]);
                state.Count++;
            });

        Assert.All(runs, r => Assert.Equal(1, r));
        Assert.Equal(count, states.Sum(s => s.Count));
        // Helpers may still be disposing right after Run returns; they do so within moments.
        Assert.True(SpinWait.SpinUntil(() => states.All(s => s.Disposed), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void A_failing_body_is_rethrown_after_the_loop_ends()
    {
        int ran = 0;
        var error = Assert.Throws<InvalidOperationException>(() => SharedLoop.Run(200, index =>
        {
            Interlocked.Increment(ref ran);
            if (index == 17) throw new InvalidOperationException("index 17");
        }));

        Assert.Equal("index 17", error.Message);
        // Bodies claimed by a helper may be skipped once the failure is seen, so only an upper bound is certain.
        Assert.InRange(ran, 1, 200);
    }

    private sealed class Counter : IDisposable
    {
        public int Count { get; set; }

        private int _disposed;

        public bool Disposed => Volatile.Read(ref _disposed) == 1;

        public void Dispose() => Volatile.Write(ref _disposed, 1);
    }
}
