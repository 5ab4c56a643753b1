using Federated.Edge.Quantization;

namespace Federated.Tests.Edge.Quantization;

public sealed class WeightQuantizerTests
{
    [Fact]
    public void EveryWeight_IsWithinHalfAScaleOfItsRealValue()
    {
        const int channels = 16, perChannel = 300;
        var random = new Random(3);
        var weights = new float[channels * perChannel];
        for (int c = 0; c < channels; c++)
        {
            // Channels of very different magnitude: per-channel scales must follow each one.
            double magnitude = Math.Pow(10, -4 + c * 0.4);
            for (int k = 0; k < perChannel; k++) weights[c * perChannel + k] = (float)((random.NextDouble() * 2 - 1) * magnitude);
        }
        var quantized = new sbyte[weights.Length];
        var scales = new float[channels];

        WeightQuantizer.QuantizePerChannel(weights, channels, quantized, scales);

        for (int c = 0; c < channels; c++)
        {
            double maxAbs = 0;
            for (int k = 0; k < perChannel; k++) maxAbs = Math.Max(maxAbs, Math.Abs(weights[c * perChannel + k]));
            Assert.Equal(maxAbs / 127, scales[c], maxAbs * 1e-6);
            bool reachesFullScale = false;
            for (int k = 0; k < perChannel; k++)
            {
                int i = c * perChannel + k;
                Assert.InRange(quantized[i], (sbyte)-127, (sbyte)127);
                double error = Math.Abs(weights[i] - quantized[i] * (double)scales[c]);
                Assert.True(error <= scales[c] / 2 * (1 + 1e-6), $"channel {c}, weight {k}: {weights[i]} → {quantized[i]}·{scales[c]} errs by {error}");
                reachesFullScale |= Math.Abs((int)quantized[i]) == 127;
            }
            Assert.True(reachesFullScale, $"channel {c} never uses ±127");
        }
    }

    [Fact]
    public void AllZeroChannel_GetsScaleOneAndZeroWeights()
    {
        // The second channel's max |w| is 127, so its scale is exactly 1 and ties stay ties.
        float[] weights = [0, 0, 0, 63.5f, -127f, -62.5f];
        var quantized = new sbyte[6];
        var scales = new float[2];

        WeightQuantizer.QuantizePerChannel(weights, 2, quantized, scales);

        Assert.Equal([1f, 1f], scales);
        Assert.Equal(new sbyte[] { 0, 0, 0, 64, -127, -62 }, quantized); // ties to even, as ONNX QuantizeLinear
    }

    [Fact]
    public void Bias_RoundsHalfAwayFromZeroAtTheAccumulatorScale()
    {
        // inputScale 0.5 · weightScale 0.25 = 0.125 exactly: biases that sit on ties stay ties.
        float[] bias = [0.0625f, -0.0625f, 0.1875f, -0.1875f, 1f, 0f];
        float[] weightScales = [0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f];
        var quantized = new int[6];

        WeightQuantizer.QuantizeBias(bias, 0.5f, weightScales, quantized);

        Assert.Equal([1, -1, 2, -2, 8, 0], quantized);
    }

    [Fact]
    public void BiasTooLargeForInt32_OrNonFinite_IsRejectedNamingTheChannel()
    {
        var overflow = Assert.Throws<ArgumentException>(() => WeightQuantizer.QuantizeBias([0f, 1e6f], 1e-3f, [1e-3f, 1e-3f], new int[2]));
        Assert.Contains("channel 1", overflow.Message, StringComparison.Ordinal);
        var nan = Assert.Throws<ArgumentException>(() => WeightQuantizer.QuantizePerChannel([1f, float.NaN], 2, new sbyte[2], new float[2]));
        Assert.Contains("channel 1", nan.Message, StringComparison.Ordinal);
    }
}
