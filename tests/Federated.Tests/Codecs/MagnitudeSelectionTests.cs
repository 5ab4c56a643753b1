using Federated.Shared.Codecs;

namespace Federated.Tests.Codecs;

public class MagnitudeSelectionTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(17, 2)]
    [InlineData(1000, 3)]
    [InlineData(4096, 4)]
    public void Kth_largest_matches_a_full_sort_for_every_k_sampled(int n, int seed)
    {
        var random = new Random(seed);
        var values = new float[n];
        // Few distinct values, so ties are common.
        for (int i = 0; i < n; i++) values[i] = random.Next(0, Math.Max(2, n / 4)) * 0.5f;
        float[] sorted = values.OrderDescending().ToArray();
        for (int k = 1; k <= n; k += Math.Max(1, n / 37))
            Assert.Equal(sorted[k - 1], MagnitudeSelection.KthLargest((float[])values.Clone(), k));
    }

    [Fact]
    public void Sorted_and_constant_inputs_are_handled()
    {
        float[] ascending = Enumerable.Range(0, 500).Select(i => (float)i).ToArray();
        Assert.Equal(489f, MagnitudeSelection.KthLargest((float[])ascending.Clone(), 11));
        Assert.Equal(489f, MagnitudeSelection.KthLargest(ascending.Reverse().ToArray(), 11));
        Assert.Equal(3f, MagnitudeSelection.KthLargest(Enumerable.Repeat(3f, 300).ToArray(), 150));
    }
}
