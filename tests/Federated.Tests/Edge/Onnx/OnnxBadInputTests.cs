using Federated.Edge.Export;
using Federated.Edge.Onnx.Internal;
using Federated.Edge.Onnx.Proto;
using Federated.Edge.Runtime;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Serialization;
using Google.Protobuf;

namespace Federated.Tests.Edge.Onnx;

public sealed class OnnxBadInputTests
{
    private static readonly ModelArchitecture Small = ModelArchitecture.Parse("input 1x6x6; conv2d 1 2 3; relu; maxpool2d 2; flatten; linear 8 3");

    private static byte[] SmallModel() => OnnxExporter.ExportFloat(Small, ParameterInitializer.Initialize(Small, 1));

    [Fact]
    public void GarbageBytes_AreRejected_AsNotOnnx()
    {
        byte[] garbage = new byte[4096];
        new Random(5).NextBytes(garbage);

        var error = Assert.Throws<EdgeModelException>(() => EdgeModel.Load(garbage, source: "garbage.onnx"));
        Assert.Contains("garbage.onnx", error.Message, StringComparison.Ordinal);
        Assert.Contains("not", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TextFile_IsRejected_AsNotOnnx()
    {
        byte[] text = "input 1x28x28; conv2d 1 32 3"u8.ToArray();

        var error = Assert.Throws<EdgeModelException>(() => EdgeModel.Load(text, source: "model.txt"));
        Assert.Contains("model.txt", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.99)]
    public void TruncatedModel_IsRejected_AsTruncatedOrCorrupt(double fraction)
    {
        byte[] model = SmallModel();
        byte[] truncated = model[..(int)(model.Length * fraction)];

        var error = Assert.Throws<EdgeModelException>(() => EdgeModel.Load(truncated, source: "cut.onnx"));
        Assert.Contains("cut.onnx", error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyBytes_AndMissingFile_AreRejected()
    {
        Assert.Contains("empty", Assert.Throws<EdgeModelException>(() => EdgeModel.Load(ReadOnlyMemory<byte>.Empty)).Message, StringComparison.Ordinal);
        string path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.onnx");
        Assert.Contains(path, Assert.Throws<EdgeModelException>(() => EdgeModel.Load(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongInputLength_NamesTheExpectedCount()
    {
        using var model = EdgeModel.Load(SmallModel());

        var error = Assert.Throws<ArgumentException>(() => model.Run(new float[71], 2));
        Assert.Contains("72", error.Message, StringComparison.Ordinal);
        Assert.Contains("71", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Run(new float[36], 0));
    }

    [Fact]
    public void WrongInputShape_NamesTheModelsShape()
    {
        using var model = EdgeModel.Load(SmallModel());

        var error = Assert.Throws<ArgumentException>(() => model.Run(new float[72], [2, 6, 6, 1]));
        Assert.Contains("[2, 6, 6, 1]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[N, 1, 6, 6]", error.Message, StringComparison.Ordinal);
        Assert.Equal(6, model.Run(new float[72], [2, 1, 6, 6]).Length);
    }

    [Fact]
    public void ModelWithNonFloatInput_IsRejected_NamingTheType()
    {
        // A graph that takes int8: Cast to float, then Flatten to [N, 4].
        var graph = new GraphProto { Name = "int8_input" };
        graph.Node.Add(new NodeProto { OpType = "Cast", Name = "cast", Input = { "input" }, Output = { "x" }, Attribute = { OnnxGraphBuilder.Int("to", (int)TensorProto.Types.DataType.Float) } });
        graph.Node.Add(new NodeProto { OpType = "Flatten", Name = "flatten", Input = { "x" }, Output = { "logits" } });
        graph.Input.Add(Value("input", TensorProto.Types.DataType.Int8, 2, 2));
        graph.Output.Add(Value("logits", TensorProto.Types.DataType.Float, 4));
        var model = new ModelProto { IrVersion = 8, Graph = graph, OpsetImport = { new OperatorSetIdProto { Version = 17 } } };

        var error = Assert.Throws<EdgeModelException>(() => EdgeModel.Load(model.ToByteArray(), source: "int8-input.onnx"));
        Assert.Contains("int8", error.Message, StringComparison.Ordinal);
        Assert.Contains("float32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonFiniteWeight_AtExport_NamesTheTensorAndIndex()
    {
        ParameterBuffer parameters = ParameterInitializer.Initialize(Small, 1);
        parameters.Tensor("4.weight")[5] = float.NaN;

        var error = Assert.Throws<ArgumentException>(() => OnnxExporter.ExportFloat(Small, parameters));
        Assert.Contains("'4.weight'", error.Message, StringComparison.Ordinal);
        Assert.Contains("NaN", error.Message, StringComparison.Ordinal);
        Assert.Contains("index 5", error.Message, StringComparison.Ordinal);

        parameters.Tensor("4.weight")[5] = 0;
        parameters.Tensor("0.bias")[1] = float.PositiveInfinity;
        Assert.Contains("'0.bias'", Assert.Throws<ArgumentException>(() => OnnxExporter.ExportFloat(Small, parameters)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParametersOfAnotherArchitecture_AreRejected_NamingTheTensor()
    {
        ModelArchitecture cnn = ModelZoo.Cnn();
        ParameterBuffer mlp = ParameterInitializer.Initialize(ModelZoo.Mlp(), 1);

        var layoutError = Assert.Throws<ArgumentException>(() => OnnxExporter.ExportFloat(cnn, mlp));
        Assert.Contains("0.weight[200x784]", layoutError.Message, StringComparison.Ordinal);
        Assert.Contains("0.weight[32x1x3x3]", layoutError.Message, StringComparison.Ordinal);

        var lengthError = Assert.Throws<ArgumentException>(() => OnnxExporter.ExportFloat(cnn, (ReadOnlySpan<float>)mlp.Values));
        Assert.Contains($"{mlp.Length} floats", lengthError.Message, StringComparison.Ordinal);
        Assert.Contains("1199882", lengthError.Message, StringComparison.Ordinal);

        var noArchitecture = new ModelSnapshot(1, null, mlp);
        Assert.Contains("no architecture", Assert.Throws<ArgumentException>(() => OnnxExporter.ExportFloat(noArchitecture)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DisposedModel_RefusesToRun_AndDisposesOnce()
    {
        var model = EdgeModel.Load(SmallModel());
        model.Dispose();
        model.Dispose();

        Assert.Throws<ObjectDisposedException>(() => model.Run(new float[36], 1));
    }

    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, params long[] dims)
    {
        var shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimParam = "N" } } };
        foreach (long dim in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }
}
