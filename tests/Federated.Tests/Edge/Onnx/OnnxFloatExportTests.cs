using Federated.Edge.Export;
using Federated.Edge.Onnx;
using Federated.Edge.Runtime;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Serialization;
using Federated.Tests.Torch;
using Microsoft.ML.OnnxRuntime;

namespace Federated.Tests.Edge.Onnx;

[Collection(TorchTestGroup.Name)]
public sealed class OnnxFloatExportTests
{
    public static TheoryData<string> Architectures => ["cnn", "mlp"];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Fp32Export_MatchesTorchSharp_OnFashionMnistTestImages(string name)
    {
        ModelArchitecture architecture = ModelZoo.Resolve(name);
        ParameterBuffer parameters = OnnxTestModels.Random(architecture);
        var test = OnnxTestModels.Test;

        using var model = EdgeModel.Load(OnnxExporter.ExportFloat(architecture, parameters));
        float[] onnx = model.Run(test.Features, test.Count);
        float[] torch = TorchReference.Logits(architecture, parameters, test.Features, test.Count);

        Assert.Equal(torch.Length, onnx.Length);
        float maxDifference = 0;
        for (int i = 0; i < onnx.Length; i++) maxDifference = MathF.Max(maxDifference, MathF.Abs(onnx[i] - torch[i]));
        Assert.True(maxDifference <= 1e-4f, $"max |ONNX − TorchSharp| = {maxDifference} over {test.Count} images");
    }

    [Fact]
    public void ExportFromModelFile_ReportsShapes_AndRecordsArchitectureHashAndRound()
    {
        ModelArchitecture cnn = ModelZoo.Cnn();
        var snapshot = new ModelSnapshot(42, cnn, OnnxTestModels.Random(cnn, seed: 2));
        ModelSnapshot read = ModelFile.Read(ModelFile.ToBytes(snapshot));

        using var model = EdgeModel.Load(OnnxExporter.ExportFloat(read), new EdgeModelOptions { IntraOpThreads = 1 });

        Assert.Equal("[N, 1, 28, 28]", model.Input.ShapeText);
        Assert.Equal("float", model.Input.ElementType);
        Assert.Equal(OnnxNames.Logits, model.Output.Name);
        Assert.Equal("[N, 10]", model.Output.ShapeText);
        Assert.Equal(784, model.InputLength);
        Assert.Equal(10, model.OutputLength);
        Assert.Equal(cnn.ToCanonicalString(), model.Metadata[OnnxNames.ArchitectureKey]);
        Assert.Equal(ModelContentHash.Compute(snapshot.Parameters), model.Metadata[OnnxNames.ContentHashKey]);
        Assert.Equal("42", model.Metadata[OnnxNames.RoundKey]);
        Assert.Equal("fp32", model.Metadata[OnnxNames.FormatKey]);
    }

    [Fact]
    public void Fp32Graph_HasOneNodePerInferenceLayer_AndNoDropout()
    {
        ModelArchitecture cnn = ModelZoo.Cnn();
        OnnxModelSummary summary = OnnxInspector.Describe(OnnxExporter.ExportFloat(cnn, OnnxTestModels.Random(cnn)));

        Assert.Equal(["Conv", "Relu", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm"], summary.Nodes.Select(n => n.OpType));
        Assert.Equal(8, summary.InitializerCount);
        // 1,199,882 float parameters plus a little protobuf framing per tensor.
        Assert.InRange(summary.InitializerBytes, 1_199_882L * 4, 1_199_882L * 4 + 1024);
        Assert.Equal([OnnxNames.Input], summary.Inputs.Select(i => i.Name));
    }

    [Fact]
    public void ExposedActivations_AreTheLayerOutputs_AndLeaveTheLogitsUnchanged()
    {
        ModelArchitecture cnn = ModelZoo.Cnn();
        ParameterBuffer parameters = OnnxTestModels.Random(cnn);
        var test = OnnxTestModels.Test;
        const int count = 8;
        ReadOnlySpan<float> batch = test.Features[..(count * 784)];
        byte[] exposed = OnnxExporter.ExportFloat(cnn, parameters, new OnnxExportOptions { ExposeActivations = true });

        using var plain = EdgeModel.Load(OnnxExporter.ExportFloat(cnn, parameters));
        using var withActivations = EdgeModel.Load(exposed);
        Assert.Equal(plain.Run(batch, count), withActivations.Run(batch, count));

        using var session = new InferenceSession(exposed);
        Assert.Equal([OnnxNames.Logits, .. Enumerable.Range(0, cnn.Layers.Count - 1).Select(OnnxNames.Activation)], session.OutputNames);
        using var input = OrtValue.CreateTensorValueFromMemory(batch.ToArray(), [count, 1, 28, 28]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [OnnxNames.Input], [input], [OnnxNames.Activation(0), OnnxNames.Activation(1), OnnxNames.Activation(5), OnnxNames.Activation(6)]);
        ReadOnlySpan<float> conv = outputs[0].GetTensorDataAsSpan<float>();
        ReadOnlySpan<float> relu = outputs[1].GetTensorDataAsSpan<float>();
        Assert.Equal(count * 32 * 26 * 26, conv.Length);
        for (int i = 0; i < conv.Length; i++) Assert.Equal(MathF.Max(conv[i], 0f), relu[i]);
        // Dropout (5) is the identity at inference, flatten (6) only reshapes it.
        Assert.Equal(outputs[2].GetTensorDataAsSpan<float>().ToArray(), outputs[3].GetTensorDataAsSpan<float>().ToArray());
        Assert.Equal([count, 9216L], outputs[3].GetTensorTypeAndShape().Shape);
    }

    [Fact]
    public void Classify_GivesTheArgmaxOfTheLogits()
    {
        ModelArchitecture mlp = ModelZoo.Mlp();
        using var model = EdgeModel.Load(OnnxExporter.ExportFloat(mlp, OnnxTestModels.Random(mlp)));
        var test = OnnxTestModels.Test;

        float[] logits = model.Run(test.Features, test.Count);
        int[] classes = model.Classify(test.Features, test.Count);

        for (int i = 0; i < test.Count; i++)
        {
            var row = logits.AsSpan(i * 10, 10);
            for (int c = 0; c < 10; c++) Assert.True(row[classes[i]] >= row[c]);
        }
    }
}
