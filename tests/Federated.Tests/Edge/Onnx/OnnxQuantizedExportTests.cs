using Federated.Edge.Export;
using Federated.Edge.Onnx;
using Federated.Edge.Quantization;
using Federated.Edge.Runtime;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Tests.Torch;
using Xunit.Abstractions;

namespace Federated.Tests.Edge.Onnx;

[Collection(TorchTestGroup.Name)]
public sealed class OnnxQuantizedExportTests(ITestOutputHelper output)
{
    private static readonly string[] FloatKernels = ["Conv", "Gemm", "MatMul", "FusedConv", "FusedGemm", "FusedMatMul", "MatMulIntegerToFloat"];

    public static TheoryData<string> Architectures => ["cnn", "mlp"];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Int8Model_OptimizedByOnnxRuntime_RunsIntegerKernelsOnly(string name)
    {
        var (architecture, parameters) = Trained(name);
        QuantizedModel quantized = Quantize(architecture, parameters);

        IReadOnlyList<OnnxNodeInfo> nodes = OnnxInspector.OptimizedNodes(OnnxExporter.ExportQuantized(quantized));
        output.WriteLine($"{name}: {string.Join(", ", nodes.Select(n => n.QualifiedOpType))}");

        if (architecture.Layers.Any(l => l is Conv2dLayer)) Assert.Contains(nodes, n => n.OpType == "QLinearConv");
        Assert.Contains(nodes, n => n.OpType == "QGemm");
        Assert.DoesNotContain(nodes, n => FloatKernels.Contains(n.OpType));
        // Fused ReLUs vanish into the QuantizeLinear that saturates at zero point −128.
        Assert.DoesNotContain(nodes, n => n.OpType == "Relu");
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Int8Model_ClassesAgreeWithFp32_AndLogitsStayWithinTheQuantizationError(string name)
    {
        var (architecture, parameters) = Trained(name);
        QuantizedModel quantized = Quantize(architecture, parameters);
        var test = OnnxTestModels.Test;

        using var fp32 = EdgeModel.Load(OnnxExporter.ExportFloat(architecture, parameters));
        using var int8 = EdgeModel.Load(OnnxExporter.ExportQuantized(quantized));
        float[] floatLogits = fp32.Run(test.Features, test.Count);
        float[] intLogits = int8.Run(test.Features, test.Count);
        int[] floatClasses = fp32.Classify(test.Features, test.Count);
        int[] intClasses = int8.Classify(test.Features, test.Count);

        int agree = 0, floatCorrect = 0, intCorrect = 0;
        double meanDifference = 0;
        for (int i = 0; i < test.Count; i++)
        {
            agree += floatClasses[i] == intClasses[i] ? 1 : 0;
            floatCorrect += floatClasses[i] == test.Labels[i] ? 1 : 0;
            intCorrect += intClasses[i] == test.Labels[i] ? 1 : 0;
        }
        for (int i = 0; i < floatLogits.Length; i++) meanDifference += Math.Abs(floatLogits[i] - intLogits[i]);
        meanDifference /= floatLogits.Length;
        float outputScale = quantized.Output.Scale;
        output.WriteLine($"{name}: agreement {agree}/{test.Count}, accuracy fp32 {floatCorrect} int8 {intCorrect}, mean |Δlogit| {meanDifference:F4} ({meanDifference / outputScale:F2} output steps)");

        Assert.True(agree >= test.Count * 95 / 100, $"INT8 and FP32 agree on {agree} of {test.Count} images");
        Assert.True(meanDifference <= outputScale, $"mean |Δlogit| {meanDifference} is more than one output quantization step ({outputScale})");
        // Every INT8 logit is a multiple of the output scale away from the zero point: the graph ends in Q → DQ.
        for (int i = 0; i < 50; i++)
        {
            float steps = intLogits[i] / outputScale + quantized.Output.ZeroPoint;
            Assert.True(MathF.Abs(steps - MathF.Round(steps)) < 1e-3f, $"logit {intLogits[i]} is not on the output grid");
        }
    }

    [Fact]
    public void Int8Mlp_InOnnxRuntime_ComputesTheContractsIntegerArithmetic()
    {
        var (architecture, parameters) = Trained("mlp");
        QuantizedModel quantized = Quantize(architecture, parameters);
        var test = OnnxTestModels.Test;
        using var int8 = EdgeModel.Load(OnnxExporter.ExportQuantized(quantized));
        float[] logits = int8.Run(test.Features, test.Count);

        int exact = 0, total = 0, worst = 0;
        for (int i = 0; i < test.Count; i++)
        {
            int[] expected = IntegerMlpReference.Run(quantized, test.Example(i));
            for (int c = 0; c < expected.Length; c++)
            {
                int actual = (int)MathF.Round(logits[i * 10 + c] / quantized.Output.Scale) + quantized.Output.ZeroPoint;
                int difference = Math.Abs(actual - expected[c]);
                worst = Math.Max(worst, difference);
                exact += difference == 0 ? 1 : 0;
                total++;
            }
        }
        output.WriteLine($"mlp: {exact}/{total} int8 logits equal the Q31 reference, worst difference {worst}");
        // ORT requantizes with a float scale, the contract with a Q31 multiplier: a tie may round the other way.
        Assert.True(worst <= 1, $"ORT's int8 logits differ from the integer reference by up to {worst} steps");
        Assert.True(exact >= total * 99 / 100, $"only {exact} of {total} int8 logits equal the integer reference");
    }

    [Fact]
    public void QuantizationParameters_OfTheQdqFile_AreTheQuantizedModels()
    {
        var (architecture, parameters) = Trained("cnn");
        QuantizedModel quantized = Quantize(architecture, parameters);
        byte[] onnx = OnnxExporter.ExportQuantized(quantized, new OnnxExportOptions { Round = 7, ContentHash = "abc" });

        IReadOnlyList<QuantizationParameterInfo> parameterInfo = OnnxInspector.QuantizationParameters(onnx);

        var conv = parameterInfo.Single(p => p.Tensor == "0.weight.quantized");
        Assert.Equal(0, conv.Axis);
        Assert.Equal("int8", conv.QuantizedType);
        Assert.True(conv.IsConstant);
        Assert.Equal(quantized.WeightsOf(0)!.WeightScales, conv.Scales);
        Assert.All(conv.ZeroPoints, z => Assert.Equal(0, z));

        var bias = parameterInfo.Single(p => p.Tensor == "7.bias.quantized");
        Assert.Equal("int32", bias.QuantizedType);
        for (int c = 0; c < 128; c++)
            Assert.Equal(quantized.Activations[7].Scale * quantized.WeightsOf(7)!.WeightScales[c], bias.Scales[c]);

        var input = parameterInfo.First(p => p.OpType == "QuantizeLinear" && p.Tensor == OnnxNames.Input);
        Assert.Null(input.Axis);
        Assert.Equal([quantized.Input.Scale], input.Scales);
        Assert.Equal([quantized.Input.ZeroPoint], input.ZeroPoints);
        // Every activation Q is followed by a DQ with the same parameters: 1 input + 6 layer outputs in the CNN.
        Assert.Equal(7, parameterInfo.Count(p => p.OpType == "QuantizeLinear"));
        var relu = parameterInfo.Single(p => p.Node == "1.quantize");
        Assert.Equal([ActivationQuantization.QMin], relu.ZeroPoints);

        OnnxModelSummary summary = OnnxInspector.Describe(onnx);
        Assert.Equal("qdq-s8s8", summary.Metadata[OnnxNames.FormatKey]);
        Assert.Equal("7", summary.Metadata[OnnxNames.RoundKey]);
        Assert.Equal("abc", summary.Metadata[OnnxNames.ContentHashKey]);
        Assert.Equal("float", summary.Inputs.Single().ElementType);
        Assert.Equal("[N, 10]", summary.Outputs.Single().ShapeText);
    }

    [Fact]
    public void Int8File_IsAboutAQuarterOfTheFp32File()
    {
        var (architecture, parameters) = Trained("cnn");
        long fp32 = OnnxExporter.ExportFloat(architecture, parameters).Length;
        long int8 = OnnxExporter.ExportQuantized(Quantize(architecture, parameters)).Length;
        output.WriteLine($"cnn: fp32 {fp32} bytes, int8 {int8} bytes, ratio {(double)int8 / fp32:F3}");
        Assert.InRange((double)int8 / fp32, 0.24, 0.27);
    }

    private static (ModelArchitecture, ParameterBuffer) Trained(string name) => name == "cnn"
        ? (ModelZoo.Cnn(), OnnxTestModels.TrainedCnn)
        : (ModelZoo.Mlp(), OnnxTestModels.TrainedMlp);

    private static QuantizedModel Quantize(ModelArchitecture architecture, ParameterBuffer parameters)
    {
        var calibration = OnnxTestModels.Calibration;
        return MinMaxQuantization.Quantize(architecture, parameters, calibration.Features, calibration.Count);
    }
}
