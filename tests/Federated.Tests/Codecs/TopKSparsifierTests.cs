using Federated.Shared.Codecs;
using Federated.Shared.Parameters;

namespace Federated.Tests.Codecs;

public class TopKSparsifierTests
{
    private static ParameterLayout Flat(int n) => new([new TensorSpec("w", n)]);

    private static float[] RandomUpdate(int n, int seed)
    {
        var random = new Random(seed);
        var update = new float[n];
        for (int i = 0; i < n; i++) update[i] = (float)(random.NextDouble() * 2 - 1) * (float)Math.Pow(10, random.Next(-3, 1));
        return update;
    }

    [Theory]
    [InlineData(1000, 0.01, 10)]
    [InlineData(1000, 0.0015, 2)]
    [InlineData(100, 0.07, 7)]
    [InlineData(10, 1.0, 10)]
    [InlineData(10, 1e-9, 1)]
    public void Keeps_exactly_k_entries_with_k_the_ceiling_of_fraction_times_n(int n, double fraction, int k)
    {
        var sparsifier = new TopKSparsifier(Flat(n), fraction);
        Assert.Equal(k, sparsifier.K);
        Assert.Equal(k, sparsifier.Sparsify(RandomUpdate(n, 3)).Count);
    }

    [Fact]
    public void Kept_entries_are_the_largest_in_magnitude_and_the_rest_is_the_residual()
    {
        float[] update = RandomUpdate(5000, 4);
        var sparsifier = new TopKSparsifier(Flat(update.Length), 0.03);
        var sparse = sparsifier.Sparsify(update);

        var kept = new HashSet<int>(sparse.Indices.ToArray());
        float smallestKept = float.MaxValue, largestDropped = 0;
        for (int i = 0; i < update.Length; i++)
        {
            if (kept.Contains(i)) smallestKept = MathF.Min(smallestKept, MathF.Abs(update[i]));
            else largestDropped = MathF.Max(largestDropped, MathF.Abs(update[i]));
        }
        Assert.True(smallestKept >= largestDropped, $"kept down to {smallestKept} but dropped {largestDropped}");

        var dense = sparse.ToDense().Values;
        for (int i = 0; i < update.Length; i++)
        {
            Assert.Equal(update[i], dense[i] + sparsifier.Residual[i]);
            Assert.True(dense[i] == 0 || sparsifier.Residual[i] == 0);
        }
        Assert.True(sparse.Indices.ToArray().SequenceEqual(sparse.Indices.ToArray().Order()));
    }

    [Fact]
    public void Ties_at_the_threshold_are_broken_by_lower_index()
    {
        float[] update = [1, -3, 2, 2, -2, 2, 0];
        var sparse = new TopKSparsifier(Flat(update.Length), 3.0 / 7).Sparsify(update);
        Assert.Equal([1, 2, 3], sparse.Indices.ToArray());
        Assert.Equal([-3f, 2f, 2f], sparse.Values.ToArray());
    }

    [Fact]
    public void Error_feedback_sends_the_whole_sum_of_a_constant_update_over_time()
    {
        const int Steps = 200;
        float[] update = RandomUpdate(400, 5);
        var withMemory = new TopKSparsifier(Flat(update.Length), 0.05);
        var sentWithMemory = new double[update.Length];
        var sentWithoutMemory = new double[update.Length];
        for (int step = 0; step < Steps; step++)
        {
            Accumulate(withMemory.Sparsify(update), sentWithMemory);
            Accumulate(new TopKSparsifier(Flat(update.Length), 0.05).Sparsify(update), sentWithoutMemory);
        }

        // Memory conserves mass: what was sent plus what waits equals everything given.
        for (int i = 0; i < update.Length; i++)
            Assert.Equal(Steps * (double)update[i], sentWithMemory[i] + withMemory.Residual[i], Steps * 1e-4);

        double withError = RelativeError(sentWithMemory, update, Steps);
        double withoutError = RelativeError(sentWithoutMemory, update, Steps);
        Assert.True(withError < 0.1, $"with error feedback the sent sum is off by {withError:P1}");
        Assert.True(withoutError > 0.5, $"without it, the same top-k drops most of the mass ({withoutError:P1} off)");
    }

    [Theory]
    [InlineData(CodecKind.Fp32, 8)]
    [InlineData(CodecKind.Fp16, 6)]
    [InlineData(CodecKind.Int8, 5)]
    [InlineData(CodecKind.Int8Stochastic, 5)]
    public void Sparse_payloads_decode_densely_with_zeros_elsewhere(CodecKind kind, int bytesPerEntry)
    {
        var layout = CodecTestData.SmallLayout();
        float[] update = RandomUpdate(layout.TotalLength, 6);
        var sparse = new TopKSparsifier(layout, 0.1).Sparsify(update);
        byte[] payload = ParameterCodec.EncodeSparse(sparse, kind, seed: 1);

        int fixedBytes = kind is CodecKind.Int8 or CodecKind.Int8Stochastic ? 104 : 100;
        Assert.Equal(fixedBytes + bytesPerEntry * sparse.Count, payload.Length);
        Assert.True(ParameterCodec.IsSparse(payload));
        Assert.Equal(kind, ParameterCodec.PeekKind(payload));

        var decoded = ParameterCodec.Decode(payload, layout);
        var expected = sparse.ToDense();
        float peak = 0;
        foreach (float v in sparse.Values) peak = MathF.Max(peak, MathF.Abs(v));
        float tolerance = kind switch
        {
            CodecKind.Fp32 => 0,
            CodecKind.Fp16 => peak * MathF.Pow(2, -11),
            _ => peak / 127,
        };
        for (int i = 0; i < layout.TotalLength; i++)
        {
            if (expected.Values[i] == 0) Assert.Equal(0f, decoded.Values[i]);
            else Assert.True(MathF.Abs(decoded.Values[i] - expected.Values[i]) <= tolerance * 1.0001f, $"element {i}");
        }
    }

    [Fact]
    public void Decoding_a_sparse_payload_clears_what_the_destination_held()
    {
        var layout = Flat(50);
        var sparse = new SparseUpdate(layout, [3, 40], [1.5f, -2f]);
        var destination = new ParameterBuffer(layout);
        destination.Values.Fill(9);
        ParameterCodec.DecodeInto(ParameterCodec.EncodeSparse(sparse, CodecKind.Fp32), destination);
        Assert.Equal(sparse.ToDense().Array, destination.Array);
    }

    [Fact]
    public void Invalid_fractions_and_lengths_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TopKSparsifier(Flat(10), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TopKSparsifier(Flat(10), 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TopKSparsifier(Flat(10), double.NaN));
        Assert.Throws<ArgumentException>(() => new TopKSparsifier(Flat(10), 0.5).Sparsify(new float[9]));
        Assert.Throws<ArgumentException>(() => new SparseUpdate(Flat(10), [4, 2], [1, 1]));
    }

    private static void Accumulate(SparseUpdate sparse, double[] sum)
    {
        for (int i = 0; i < sparse.Count; i++) sum[sparse.Indices[i]] += sparse.Values[i];
    }

    private static double RelativeError(double[] sent, float[] update, int steps)
    {
        double error = 0, norm = 0;
        for (int i = 0; i < update.Length; i++)
        {
            double truth = steps * (double)update[i];
            error += (sent[i] - truth) * (sent[i] - truth);
            norm += truth * truth;
        }
        return Math.Sqrt(error / norm);
    }
}
