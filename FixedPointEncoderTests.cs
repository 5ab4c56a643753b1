using Federated.SecureAggregation;

namespace Federated.Tests.SecureAggregation;

public class FixedPointEncoderTests
{
    [Theory]
    [InlineData(32)]
    [InlineData(20)]
    [InlineData(12)]
    public void Round_trip_of_one_client_is_within_the_error_bound(int bits)
    {
        var options = new SecureAggregationOptions { ClientCount = 3, VectorLength = 2500, BitWidth = bits, ClipRange = 2f };
        var random = new Random(1);
        var x = new float[options.VectorLength];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 6 - 3);
        var encoded = new uint[x.Length + 1];
        FixedPointEncoder.Encode(x, 1f, options, encoded);
        var decoded = new float[x.Length];
        double weight = FixedPointEncoder.DecodeSum(encoded, options, decoded);

        double bound = options.QuantizationErrorBound;
        for (int i = 0; i < x.Length; i++) Assert.True(Math.Abs(Math.Clamp(x[i], -2f, 2f) - decoded[i]) <= bound, $"{x[i]} → {decoded[i]} (bound {bound})");
        Assert.Equal(1.0, weight, options.WeightErrorBound);
        foreach (uint v in encoded) Assert.True(v <= FixedPointEncoder.ModulusMask(bits));
    }

    [Theory]
    [InlineData(32, 1f)]
    [InlineData(16, 1f)]
    [InlineData(32, 1000f)]
    public void Sum_of_n_extreme_values_does_not_wrap(int bits, float maxWeight)
    {
        const int n = 50;
        var options = new SecureAggregationOptions { ClientCount = n, VectorLength = 4, BitWidth = bits, MaxExampleWeight = maxWeight };
        uint mask = FixedPointEncoder.ModulusMask(bits);
        float[] x = [1f, -1f, 100f, float.NegativeInfinity]; // clipped to ±1
        var sum = new uint[5];
        var one = new uint[5];
        for (int c = 0; c < n; c++)
        {
            FixedPointEncoder.Encode(x, maxWeight, options, one);
            for (int i = 0; i < sum.Length; i++) sum[i] = (sum[i] + one[i]) & mask;
        }
        var decoded = new float[4];
        double weight = FixedPointEncoder.DecodeSum(sum, options, decoded);

        double bound = options.QuantizationErrorBound;
        double full = n * (double)maxWeight;
        Assert.Equal(full, decoded[0], bound);
        Assert.Equal(-full, decoded[1], bound);
        Assert.Equal(full, decoded[2], bound);
        Assert.Equal(-full, decoded[3], bound);
        Assert.Equal(full, weight, options.WeightErrorBound);
    }

    [Fact]
    public void Scale_leaves_room_for_n_weighted_summands()
    {
        var options = new SecureAggregationOptions { ClientCount = 100, VectorLength = 1, BitWidth = 24, ClipRange = 0.5f, MaxExampleWeight = 10f };
        double largest = options.ClientCount * (options.ValueScale * options.MaxExampleWeight * options.ClipRange);
        Assert.True(largest < Math.Pow(2, 23));
        Assert.True(options.QuantizationErrorBound < 0.01);
    }

    [Fact]
    public void NaN_in_the_update_is_refused()
    {
        var options = new SecureAggregationOptions { ClientCount = 3, VectorLength = 3 };
        Assert.Throws<ArgumentException>(() => FixedPointEncoder.Encode([0f, float.NaN, 1f], 1f, options, new uint[4]));
    }

    [Fact]
    public void Weight_above_the_maximum_is_refused()
    {
        var options = new SecureAggregationOptions { ClientCount = 3, VectorLength = 1, MaxExampleWeight = 5f };
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPointEncoder.Encode([0f], 6f, options, new uint[2]));
    }
}
