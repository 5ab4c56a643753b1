using Federated.Edge.Export;
using Federated.Edge.Onnx;
using Federated.Edge.Quantization;
using Federated.Edge.Reference;
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

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Int8Model_InOnnxRuntime_ComputesWhatTheInt8ReferenceEngineComputes(string name)
    {
        var (architecture, parameters) = Trained(name);
        QuantizedModel quantized = Quantize(architecture, parameters);
        var test = OnnxTestModels.Test;
        int count = name == "cnn" ? 64 : test.Count;
        using var int8 = EdgeModel.Load(OnnxExporter.ExportQuantized(quantized));
        float[] logits = int8.Run(test.Features[..(count * test.FeaturesPerExample)], count);
        var expected = new sbyte[count * 10];
        new Int8Engine(quantized).RunBatch(test.Features[..(count * test.FeaturesPerExample)], expected);

        int exact = 0, worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            int actual = (int)MathF.Round(logits[i] / quantized.Output.Scale) + quantized.Output.ZeroPoint;
            int difference = Math.Abs(actual - expected[i]);
            worst = Math.Max(worst, difference);
            exact += difference == 0 ? 1 : 0;
        }
        output.WriteLine($"{name}: {exact}/{expected.Length} int8 logits equal the contract's Int8Engine, worst difference {worst}");
        // ORT requantizes with a float scale, the contract with a Q31 multiplier: a tie may round the
        // other way in a layer. Issue 8 bounds the effect at one output step (the edge-onnx benchmark
        // scenario checks it over the whole test set: worst 1 step on 100,000 CNN logits).
        Assert.True(worst <= 1, $"ORT's int8 logits differ from the Int8Engine's by up to {worst} steps");
        Assert.True(exact >= expected.Length * 98 / 100, $"only {exact} of {expected.Length} int8 logits equal the Int8Engine's");
    }

    [Fact]
    public void Int8ExposedActivations_AreOnTheirQuantizationGrids_AndLeaveTheLogitsUnchanged()
    {
        var (architecture, parameters) = Trained("mlp");
        QuantizedModel quantized = Quantize(architecture, parameters);
        var test = OnnxTestModels.Test;
        const int count = 16;
        ReadOnlySpan<float> batch = test.Features[..(count * 784)];
        byte[] exposed = OnnxExporter.ExportQuantized(quantized, new OnnxExportOptions { ExposeActivations = true });

        using var plain = EdgeModel.Load(OnnxExporter.ExportQuantized(quantized));
        using var withActivations = EdgeModel.Load(exposed);
        Assert.Equal(plain.Run(batch, count), withActivations.Run(batch, count));

        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(exposed);
        using var input = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(batch.ToArray(), [count, 784]);
        using var runOptions = new Microsoft.ML.OnnxRuntime.RunOptions();
        // Layer 1 is the ReLU fused into linear 0; its output uses activation 2's parameters.
        using var outputs = session.Run(runOptions, [OnnxNames.Input], [input], [OnnxNames.Activation(1)]);
        ActivationQuantization hidden = quantized.Activations[2];
        foreach (float value in outputs[0].GetTensorDataAsSpan<float>())
        {
            Assert.True(value >= 0, $"post-ReLU activation {value} is negative");
            float steps = value / hidden.Scale + hidden.ZeroPoint;
            Assert.True(MathF.Abs(steps - MathF.Round(steps)) < 1e-3f, $"activation {value} is not on its grid");
        }
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
        ? (TrainedModels.Cnn.Architecture, TrainedModels.Cnn.Parameters)
        : (TrainedModels.Mlp.Architecture, TrainedModels.Mlp.Parameters);

    private static QuantizedModel Quantize(ModelArchitecture architecture, ParameterBuffer parameters) =>
        ModelQuantizer.Quantize(architecture, parameters, OnnxTestModels.Calibration);
}
