using Federated.Coordinator.Strategies;

namespace Federated.Tests.Strategies;

public class StalenessWeightedBufferTests
{
    [Fact]
    public void Step_matches_the_hand_computed_FedBuff_update()
    {
        // K = 3 updates with staleness 0, 1 and 3; s(τ) = 1/√(1+τ); η_g = 0.5.
        var buffer = new StalenessWeightedBuffer(2, 3, 0.5);
        buffer.Add([1f, -2f], 0);
        buffer.Add([4f, 2f], 1);
        Assert.False(buffer.IsFull);
        buffer.Add([8f, 0f], 3);
        Assert.True(buffer.IsFull);
        Assert.Equal(1 + 1 / Math.Sqrt(2) + 0.5, buffer.WeightSum, 6);
        Assert.Equal(3, buffer.MaxStaleness);

        float[] global = [10f, 20f];
        buffer.ApplyTo(global, 0.5);
        // x + η/K · (1·Δ1 + Δ2/√2 + Δ3/2)
        double x0 = 10 + 0.5 / 3 * (1 + 4 / Math.Sqrt(2) + 8 / 2.0);
        double x1 = 20 + 0.5 / 3 * (-2 + 2 / Math.Sqrt(2) + 0);
        Assert.Equal(x0, global[0], 5);
        Assert.Equal(x1, global[1], 5);
        // Emptied for the next step.
        Assert.Equal(0, buffer.Count);
        Assert.Equal(0, buffer.WeightSum);
    }

    [Fact]
    public void Exponent_zero_is_plain_averaging_and_wrong_sizes_are_refused()
    {
        var buffer = new StalenessWeightedBuffer(1, 2, 0);
        buffer.Add([2f], 5);
        buffer.Add([4f], 0);
        float[] global = [0f];
        buffer.ApplyTo(global, 1);
        Assert.Equal(3f, global[0], 6);
        Assert.Throws<ArgumentException>(() => buffer.Add([1f, 2f], 0));
        Assert.Throws<InvalidOperationException>(() => buffer.ApplyTo(global, 1));
    }
}
