using System.Globalization;
using Federated.Edge.Onnx.Internal;
using Federated.Edge.Onnx.Proto;
using Federated.Edge.Runtime.Internal;

namespace Federated.Edge.Runtime;

/// <summary>
/// Looks inside ONNX models: what a file holds, which kernels ONNX Runtime actually runs after its
/// graph optimizations (the file's QDQ nodes are not what executes), and a QDQ model's quantization parameters.
/// </summary>
public static class OnnxInspector
{
    /// <summary>The file's IR version, operator sets, metadata, inputs, outputs, nodes and constant size.</summary>
    public static OnnxModelSummary Describe(ReadOnlySpan<byte> model, string source = "ONNX model")
    {
        ArgumentNullException.ThrowIfNull(source);
        ModelProto proto = OnnxModelReader.Parse(model, source);
        var opsets = new List<string>(proto.OpsetImport.Count);
        foreach (var opset in proto.OpsetImport)
            opsets.Add(string.Create(CultureInfo.InvariantCulture, $"{(opset.Domain.Length == 0 ? "ai.onnx" : opset.Domain)}:{opset.Version}"));
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in proto.MetadataProps) metadata[entry.Key] = entry.Value;

        GraphProto graph = proto.Graph;
        var initializers = new HashSet<string>(StringComparer.Ordinal);
        long initializerBytes = 0;
        foreach (var tensor in graph.Initializer)
        {
            initializers.Add(tensor.Name);
            initializerBytes += tensor.CalculateSize();
        }
        var inputs = new List<TensorDescription>();
        foreach (var input in graph.Input)
        {
            // Before IR 4 initializers were listed as inputs too; they are not what a caller feeds.
            if (!initializers.Contains(input.Name)) inputs.Add(OnnxModelReader.Describe(input));
        }
        var outputs = new List<TensorDescription>(graph.Output.Count);
        foreach (var output in graph.Output) outputs.Add(OnnxModelReader.Describe(output));
        return new OnnxModelSummary(model.Length, proto.IrVersion, $"{proto.ProducerName} {proto.ProducerVersion}".Trim(), opsets, metadata,
            inputs, outputs, OnnxModelReader.Nodes(graph), graph.Initializer.Count, initializerBytes);
    }

    /// <summary>
    /// The nodes of the graph ONNX Runtime runs after optimizing <paramref name="model"/> with
    /// <paramref name="options"/>' level: ORT writes that graph to a temporary file
    /// (<c>SessionOptions.OptimizedModelFilePath</c>), which is parsed here and deleted.
    /// </summary>
    public static IReadOnlyList<OnnxNodeInfo> OptimizedNodes(ReadOnlyMemory<byte> model, EdgeModelOptions? options = null, string source = "ONNX model")
    {
        ArgumentNullException.ThrowIfNull(source);
        OnnxModelReader.Parse(model.Span, source);
        string path = Path.Combine(Path.GetTempPath(), $"federated-edge-optimized-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var sessionOptions = SessionFactory.CreateOptions(options ?? EdgeModelOptions.Default))
            {
                sessionOptions.OptimizedModelFilePath = path;
                using var session = SessionFactory.Create(model.ToArray(), sessionOptions, source);
            }
            ModelProto optimized = OnnxModelReader.Parse(File.ReadAllBytes(path), $"the optimized graph of {source}");
            return OnnxModelReader.Nodes(optimized.Graph);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The scale and zero point of every QuantizeLinear/DequantizeLinear node, in graph order.</summary>
    public static IReadOnlyList<QuantizationParameterInfo> QuantizationParameters(ReadOnlySpan<byte> model, string source = "ONNX model")
    {
        ArgumentNullException.ThrowIfNull(source);
        ModelProto proto = OnnxModelReader.Parse(model, source);
        var initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var tensor in proto.Graph.Initializer) initializers[tensor.Name] = tensor;

        var parameters = new List<QuantizationParameterInfo>();
        foreach (var node in proto.Graph.Node)
        {
            if (node.OpType is not ("QuantizeLinear" or "DequantizeLinear") || node.Input.Count < 2) continue;
            if (!initializers.TryGetValue(node.Input[1], out var scale))
                throw new EdgeModelException($"{source}: node '{node.Name}' ({node.OpType}) takes its scale '{node.Input[1]}' from a computed value, not a constant.");
            float[] scales = OnnxTensors.ReadFloats(scale);
            int[] zeroPoints;
            string quantizedType;
            if (node.Input.Count > 2 && initializers.TryGetValue(node.Input[2], out var zeroPoint))
            {
                zeroPoints = OnnxTensors.ReadIntegers(zeroPoint);
                quantizedType = OnnxTensors.TypeName(zeroPoint.DataType);
            }
            else
            {
                // No zero point: 0 of uint8 (the operator's default), unless the DQ's input says otherwise.
                zeroPoints = new int[scales.Length];
                quantizedType = node.OpType == "DequantizeLinear" && initializers.TryGetValue(node.Input[0], out var data)
                    ? OnnxTensors.TypeName(data.DataType)
                    : "uint8";
            }
            int? axis = null;
            if (scale.Dims.Count == 1 && scales.Length > 1)
            {
                axis = 1; // The operator's default axis.
                foreach (var attribute in node.Attribute)
                {
                    if (attribute.Name == "axis") axis = (int)attribute.I;
                }
            }
            parameters.Add(new QuantizationParameterInfo(node.Name, node.OpType, node.Input[0], initializers.ContainsKey(node.Input[0]),
                quantizedType, scales, zeroPoints, axis));
        }
        return parameters;
    }
}
