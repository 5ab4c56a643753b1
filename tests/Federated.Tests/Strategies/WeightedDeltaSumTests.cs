using Federated.Coordinator.Strategies;

namespace Federated.Tests.Strategies;

public class WeightedDeltaSumTests
{
    [Fact]
    public void Fold_matches_the_scalar_sum_for_every_length_around_the_vector_and_cache_line_sizes()
    {
        var random = new Random(11);
        for (int length = 0; length <= 150; length++)
        {
            // A fresh array per length lands at varied addresses, so the aligned head varies too.
            var sum = new WeightedDeltaSum(length);
            var expected = new double[length];
            for (int k = 0; k < 3; k++)
            {
                var delta = new float[length];
                for (int i = 0; i < length; i++) delta[i] = (float)(random.NextDouble() * 2 - 1);
                if (length == 0) continue;
                sum.Add(delta, 10 + k);
                for (int i = 0; i < length; i++) expected[i] += (10 + k) * (double)delta[i];
            }
            for (int i = 0; i < length; i++) Assert.Equal(expected[i], sum.Sum[i], 1e-4);
        }
    }

    [Fact]
    public void Fold_into_a_given_array_starts_from_its_zeros_and_refuses_a_wrong_length()
    {
        float[] zeroed = new float[1000];
        var sum = new WeightedDeltaSum(zeroed);
        sum.Add(Enumerable.Repeat(0.5f, 1000).ToArray(), 4);
        Assert.Same(zeroed, sum.Array);
        Assert.All(zeroed, v => Assert.Equal(2f, v));
        Assert.Equal((1, 4.0), (sum.Count, sum.TotalExamples));
        Assert.Throws<ArgumentException>(() => sum.Add(new float[999], 1));
    }
}
