using System.Globalization;
using Federated.Edge.Onnx.Proto;
using Federated.Shared.Models;

namespace Federated.Edge.Onnx.Internal;

/// <summary>
/// Accumulates nodes, initializers, inputs and outputs of one <see cref="GraphProto"/> and wraps it
/// in a <see cref="ModelProto"/>. It knows ONNX framing only; the exporters decide what goes in.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>IR version 8 (2021-07-30) is the one that pairs with opset 17 (ONNX Versioning.md).</summary>
    public const long IrVersion = 8;

    /// <summary>Opset 17: per-channel QuantizeLinear/DequantizeLinear (axis, since 13) and every operator used here.</summary>
    public const long OpsetVersion = 17;

    private readonly GraphProto _graph;

    public OnnxGraphBuilder(string name) => _graph = new GraphProto { Name = name };

    public void AddInitializer(TensorProto tensor) => _graph.Initializer.Add(tensor);

    /// <summary>Adds a node with one output and returns that output's name.</summary>
    public string AddNode(string opType, string name, string output, ReadOnlySpan<string> inputs, params ReadOnlySpan<AttributeProto> attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        foreach (string input in inputs) node.Input.Add(input);
        node.Output.Add(output);
        foreach (var attribute in attributes) node.Attribute.Add(attribute);
        _graph.Node.Add(node);
        return output;
    }

    /// <summary>Declares a float32 graph input of shape <c>[N, ...shape]</c>.</summary>
    public void AddInput(string name, ReadOnlySpan<int> shape) => _graph.Input.Add(FloatValue(name, shape));

    /// <summary>Declares a float32 graph output of shape <c>[N, ...shape]</c>.</summary>
    public void AddOutput(string name, ReadOnlySpan<int> shape) => _graph.Output.Add(FloatValue(name, shape));

    public ModelProto Build(IEnumerable<KeyValuePair<string, string>> metadata)
    {
        RemoveUnusedInitializers();
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Federated.Edge",
            ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        foreach (var (key, value) in metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    /// <summary>
    /// Drops constants no node reads (e.g. the quantization of a conv output that a fused ReLU
    /// replaces), so files hold only what runs and ONNX Runtime has nothing to warn about.
    /// </summary>
    private void RemoveUnusedInitializers()
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in _graph.Node)
        {
            foreach (string input in node.Input) used.Add(input);
        }
        for (int i = _graph.Initializer.Count - 1; i >= 0; i--)
        {
            if (!used.Contains(_graph.Initializer[i].Name)) _graph.Initializer.RemoveAt(i);
        }
    }

    public static AttributeProto Ints(string name, params ReadOnlySpan<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        foreach (long value in values) attribute.Ints.Add(value);
        return attribute;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>The standard metadata of an exported model.</summary>
    public static List<KeyValuePair<string, string>> Metadata(ModelArchitecture architecture, string format, long? round, string? contentHash)
    {
        var metadata = new List<KeyValuePair<string, string>>
        {
            new(OnnxNames.FormatKey, format),
            new(OnnxNames.ArchitectureKey, architecture.ToCanonicalString()),
        };
        if (contentHash is not null) metadata.Add(new(OnnxNames.ContentHashKey, contentHash));
        if (round is long r) metadata.Add(new(OnnxNames.RoundKey, r.ToString(CultureInfo.InvariantCulture)));
        return metadata;
    }

    private static ValueInfoProto FloatValue(string name, ReadOnlySpan<int> shape)
    {
        var tensorShape = new TensorShapeProto();
        tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = OnnxNames.BatchDimension });
        foreach (int dim in shape) tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = tensorShape },
            },
        };
    }
}
