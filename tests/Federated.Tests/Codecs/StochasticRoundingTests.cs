using Federated.Shared.Codecs;
using Federated.Shared.Parameters;

namespace Federated.Tests.Codecs;

public class StochasticRoundingTests
{
    // One channel of 64 values at fixed fractions of the INT8 step: scale = 1.27 / 127 = 0.01.
    private static ParameterBuffer FixedVector()
    {
        var buffer = new ParameterBuffer(new ParameterLayout([new TensorSpec("w", 64)]));
        var values = buffer.Values;
        values[0] = 1.27f;
        for (int i = 1; i < values.Length; i++) values[i] = 0.01f * ((i % 10) + 0.3f) * (i % 2 == 0 ? 1 : -1);
        return buffer;
    }

    [Fact]
    public void Same_seed_gives_the_same_bytes_and_other_seeds_differ()
    {
        var values = CodecTestData.SmallValues();
        byte[] a = ParameterCodec.Encode(values, CodecKind.Int8Stochastic, seed: 5);
        Assert.Equal(a, ParameterCodec.Encode(values, CodecKind.Int8Stochastic, seed: 5));
        Assert.NotEqual(a, ParameterCodec.Encode(values, CodecKind.Int8Stochastic, seed: 6));
    }

    [Fact]
    public void Mean_of_many_encodings_is_within_a_few_standard_errors_of_the_truth()
    {
        const int Draws = 2000;
        var values = FixedVector();
        float scale = 1.27f / 127;
        var sum = new double[values.Length];
        var decoded = new ParameterBuffer(values.Layout);
        for (int seed = 0; seed < Draws; seed++)
        {
            ParameterCodec.DecodeInto(ParameterCodec.Encode(values, CodecKind.Int8Stochastic, seed), decoded);
            for (int i = 0; i < sum.Length; i++) sum[i] += decoded.Values[i];
        }

        // Each draw is one of the two neighbouring grid points: variance ≤ scale²/4, so the
        // standard error of the mean is ≤ scale / (2√Draws). Five standard errors: a false alarm
        // for any of the 64 elements has probability below 10⁻⁴.
        double standardError = scale / (2 * Math.Sqrt(Draws));
        for (int i = 0; i < sum.Length; i++)
        {
            double mean = sum[i] / Draws;
            Assert.True(Math.Abs(mean - values.Values[i]) <= 5 * standardError + 1e-6,
                $"element {i}: true {values.Values[i]}, mean of {Draws} decodings {mean} (standard error {standardError})");
        }
    }

    [Fact]
    public void Nearest_rounding_is_biased_where_stochastic_rounding_is_not()
    {
        // The test above has power: 0.3 steps always round down to the nearest grid point.
        var values = FixedVector();
        var decoded = ParameterCodec.Decode(ParameterCodec.Encode(values, CodecKind.Int8), values.Layout);
        float scale = 1.27f / 127;
        Assert.Equal(0.3 * scale, Math.Abs(decoded.Values[10] - values.Values[10]), 1e-6);
    }
}
