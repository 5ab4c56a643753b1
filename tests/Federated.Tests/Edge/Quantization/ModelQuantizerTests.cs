using Federated.Edge.Quantization;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Tests.Edge.Quantization;

public sealed class ModelQuantizerTests
{
    private static readonly ModelArchitecture SmallCnn = ModelArchitecture.Parse(
        "input 1x12x12; conv2d 1 4 3; relu; conv2d 4 6 3; relu; maxpool2d 2; dropout 0.25; flatten; linear 96 16; relu; dropout 0.5; linear 16 10");

    [Fact]
    public void QuantizedCnn_FollowsTheContract()
    {
        ParameterBuffer parameters = ParameterInitializer.Initialize(SmallCnn, seed: 11);
        float[] sample = Int8EngineTests.RandomInputs(SmallCnn.InputLength * 50, seed: 12);
        ActivationRange[] ranges = ActivationCalibrator.Calibrate(SmallCnn, parameters, sample);

        QuantizedModel model = ModelQuantizer.Quantize(SmallCnn, parameters, sample);

        ReadOnlySpan<ActivationQuantization> a = model.Activations;
        Assert.Equal(ActivationQuantization.FromRange(ranges[0].Min, ranges[0].Max), a[0]);
        // conv/linear + ReLU: the post-ReLU range (from 0, so zero point −128), shared by the ReLU.
        foreach (int fused in new[] { 0, 2, 7 })
        {
            Assert.True(model.HasFusedRelu(fused));
            Assert.Equal(ActivationQuantization.FromRange(ranges[fused + 2].Min, ranges[fused + 2].Max), a[fused + 1]);
            Assert.Equal(-128, a[fused + 1].ZeroPoint);
            Assert.Equal(a[fused + 1], a[fused + 2]);
        }
        Assert.Equal(a[4], a[5]); // max pool
        Assert.Equal(a[5], a[6]); // dropout
        Assert.Equal(a[6], a[7]); // flatten
        Assert.Equal(a[9], a[10]); // dropout
        Assert.False(model.HasFusedRelu(10));
        Assert.Equal(ActivationQuantization.FromRange(ranges[11].Min, ranges[11].Max), a[11]);

        foreach (int layer in new[] { 0, 2, 7, 10 })
        {
            QuantizedWeights w = model.WeightsOf(layer)!;
            ReadOnlySpan<float> bias = parameters.Tensor($"{layer}.bias");
            for (int c = 0; c < w.OutputChannels; c++)
            {
                double real = (double)a[layer].Scale * w.WeightScales[c] / a[layer + 1].Scale;
                double represented = w.Multipliers[c] * Math.Pow(2, w.Shifts[c] - 31);
                Assert.Equal(real, represented, real * 1e-9);
                double biasScale = a[layer].Scale * w.WeightScales[c];
                Assert.True(Math.Abs(bias[c] / biasScale - w.Bias[c]) <= 0.5 + 1e-6, $"layer {layer}, channel {c}: bias {bias[c]} → {w.Bias[c]}");
            }
        }
        Assert.Null(model.WeightsOf(1));
        Assert.Null(model.WeightsOf(4));
    }

    [Fact]
    public void CalibrationSetOfTheWrongShape_IsRejectedNamingBothShapes()
    {
        ParameterBuffer parameters = ParameterInitializer.Initialize(SmallCnn, seed: 1);
        var wrong = new LabeledDataset(new float[2 * 100], [0, 1], [1, 10, 10], 10);

        var error = Assert.Throws<ArgumentException>(() => ModelQuantizer.Quantize(SmallCnn, parameters, wrong));

        Assert.Contains("1x10x10", error.Message, StringComparison.Ordinal);
        Assert.Contains("1x12x12", error.Message, StringComparison.Ordinal);
        var partial = Assert.Throws<ArgumentException>(() => ModelQuantizer.Quantize(SmallCnn, parameters, new float[144 * 3 + 7]));
        Assert.Contains("whole number of examples", partial.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyCalibrationSet_IsRejected()
    {
        ParameterBuffer parameters = ParameterInitializer.Initialize(SmallCnn, seed: 1);

        var error = Assert.Throws<ArgumentException>(() => ModelQuantizer.Quantize(SmallCnn, parameters, ReadOnlySpan<float>.Empty));

        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void NonFiniteCalibrationValue_IsRejectedNamingExampleAndPosition(float bad)
    {
        ParameterBuffer parameters = ParameterInitializer.Initialize(SmallCnn, seed: 1);
        float[] sample = Int8EngineTests.RandomInputs(SmallCnn.InputLength * 4, seed: 2);
        sample[2 * SmallCnn.InputLength + 5] = bad;

        var error = Assert.Throws<ArgumentException>(() => ModelQuantizer.Quantize(SmallCnn, parameters, sample));

        Assert.Contains("example 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("position 5", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2.weight", float.NaN)]
    [InlineData("0.bias", float.NegativeInfinity)]
    public void NonFiniteParameter_IsRejectedNamingTheTensor(string tensor, float bad)
    {
        ParameterBuffer parameters = ParameterInitializer.Initialize(SmallCnn, seed: 1);
        parameters.Tensor(tensor)[3] = bad;
        float[] sample = Int8EngineTests.RandomInputs(SmallCnn.InputLength * 4, seed: 2);

        var error = Assert.Throws<ArgumentException>(() => ModelQuantizer.Quantize(SmallCnn, parameters, sample));

        Assert.Contains($"'{tensor}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("element 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ActivationThatOverflows_IsRejectedNamingTheLayer()
    {
        ModelArchitecture architecture = ModelArchitecture.Parse("input 4; linear 4 3; relu; linear 3 2");
        ParameterBuffer parameters = ParameterInitializer.Initialize(architecture, seed: 1);
        parameters.Tensor("0.weight").Fill(3e38f);
        float[] sample = [1, 1, 1, 1];

        var error = Assert.Throws<ArgumentException>(() => ModelQuantizer.Quantize(architecture, parameters, sample));

        Assert.Contains("layer 0 (linear 4 3)", error.Message, StringComparison.Ordinal);
        Assert.Contains("non-finite", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParametersOfAnotherArchitecture_AndBadOptions_AreRejected()
    {
        ParameterBuffer mlpParameters = ParameterInitializer.Initialize(ModelZoo.Mlp(), seed: 1);
        float[] sample = new float[SmallCnn.InputLength];

        var layout = Assert.Throws<ArgumentException>(() => ModelQuantizer.Quantize(SmallCnn, mlpParameters, sample));
        Assert.Contains("layout", layout.Message, StringComparison.Ordinal);
        ParameterBuffer parameters = ParameterInitializer.Initialize(SmallCnn, seed: 1);
        var percentile = Assert.Throws<ArgumentException>(() => ModelQuantizer.Quantize(SmallCnn, parameters, sample, CalibrationOptions.PercentileOf(40)));
        Assert.Contains("Percentile 40", percentile.Message, StringComparison.Ordinal);
        var ranges = Assert.Throws<ArgumentException>(() => ModelQuantizer.Quantize(SmallCnn, parameters, new ActivationRange[3]));
        Assert.Contains("activation ranges", ranges.Message, StringComparison.Ordinal);
    }
}
