using Federated.Edge.Onnx.Internal;
using Federated.Edge.Onnx.Proto;
using Google.Protobuf;

namespace Federated.Edge.Runtime.Internal;

/// <summary>Parses ONNX bytes with the project's own IR messages, turning protobuf failures into errors that name the file.</summary>
internal static class OnnxModelReader
{
    public static ModelProto Parse(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.IsEmpty)
            throw new EdgeModelException($"{source} is empty; an ONNX model is a serialized ModelProto.");
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new EdgeModelException($"{source} is not a valid ONNX model: it is truncated or corrupt ({e.Message}).", e);
        }
        if (model.Graph is null || model.Graph.Node.Count == 0 || model.Graph.Output.Count == 0)
            throw new EdgeModelException($"{source} is not an ONNX model: it has no graph with nodes and outputs ({bytes.Length} bytes, IR version {model.IrVersion}).");
        if (model.IrVersion <= 0 || model.OpsetImport.Count == 0)
            throw new EdgeModelException($"{source} is not a valid ONNX model: IR version {model.IrVersion} and {model.OpsetImport.Count} operator sets.");
        return model;
    }

    public static TensorDescription Describe(ValueInfoProto value)
    {
        var tensor = value.Type?.TensorType;
        if (tensor is null) return new TensorDescription(value.Name, "non-tensor", [], []);
        var shape = new List<long>();
        var symbols = new List<string>();
        if (tensor.Shape is not null)
        {
            foreach (var dim in tensor.Shape.Dim)
            {
                bool known = dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue;
                shape.Add(known ? dim.DimValue : -1);
                symbols.Add(known ? "" : dim.DimParam);
            }
        }
        return new TensorDescription(value.Name, OnnxTensors.TypeName(tensor.ElemType), shape, symbols);
    }

    public static List<OnnxNodeInfo> Nodes(GraphProto graph)
    {
        var nodes = new List<OnnxNodeInfo>(graph.Node.Count);
        foreach (var node in graph.Node)
            nodes.Add(new OnnxNodeInfo(node.Name, node.OpType, node.Domain, [.. node.Input], [.. node.Output]));
        return nodes;
    }
}
