using System.Buffers.Binary;
using System.Globalization;
using Federated.Edge.Onnx;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Serialization;
using Google.Protobuf;

namespace Federated.Edge.Cli;

/// <summary>
/// Reads an FP32 ONNX model that <c>federated-edge export</c> wrote back into a model snapshot, so
/// <c>quantize</c> and <c>codegen</c> accept it as well as the model file: the architecture comes from the
/// <c>federated.architecture</c> metadata, each parameter tensor from the initializer of the same name, and
/// the <c>federated.content-hash</c> metadata, when present, must match the parameters read.
/// Field numbers are those of onnx.proto (ModelProto.graph = 7, metadata_props = 14;
/// GraphProto.initializer = 5; TensorProto dims = 1, data_type = 2, float_data = 4, name = 8, raw_data = 9).
/// </summary>
internal static class OnnxFloatModelReader
{
    private const int FloatDataType = 1;

    public static ModelSnapshot Read(string path)
    {
        byte[] bytes = ModelFiles.ReadOnnx(path);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var initializers = new Dictionary<string, float[]>(StringComparer.Ordinal);
        try
        {
            var model = new CodedInputStream(bytes);
            uint tag;
            while ((tag = model.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 7:
                        ReadGraph(model.ReadBytes(), initializers, path);
                        break;
                    case 14:
                        var (key, value) = ReadEntry(model.ReadBytes());
                        metadata[key] = value;
                        break;
                    default:
                        model.SkipLastField();
                        break;
                }
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new CliException($"ONNX model '{path}' is truncated or corrupt: {e.Message}", e);
        }

        if (metadata.TryGetValue(OnnxNames.FormatKey, out string? format) && format != "fp32")
            throw new CliException($"ONNX model '{path}' is {format}, not FP32; quantize a model file or an FP32 export.");
        if (!metadata.TryGetValue(OnnxNames.ArchitectureKey, out string? architectureText))
            throw new CliException($"ONNX model '{path}' has no '{OnnxNames.ArchitectureKey}' metadata, so its layers are unknown; quantize the model file or an export of federated-edge.");
        var architecture = ModelArchitecture.Parse(architectureText);
        var parameters = new ParameterBuffer(architecture.Layout);
        var layout = architecture.Layout;
        for (int i = 0; i < layout.Count; i++)
        {
            var spec = layout.Tensors[i];
            if (!initializers.TryGetValue(spec.Name, out float[]? values))
                throw new CliException($"ONNX model '{path}' has no float initializer '{spec.Name}' that its architecture needs.");
            if (values.Length != spec.ElementCount)
                throw new CliException(string.Create(CultureInfo.InvariantCulture,
                    $"ONNX model '{path}' initializer '{spec.Name}' holds {values.Length} values; the architecture needs {spec.ElementCount}."));
            values.CopyTo(parameters.Values.Slice(layout.OffsetOf(i), spec.ElementCount));
        }
        long round = metadata.TryGetValue(OnnxNames.RoundKey, out string? roundText)
            && long.TryParse(roundText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long r) ? r : 0;
        var snapshot = new ModelSnapshot(round, architecture, parameters);
        if (metadata.TryGetValue(OnnxNames.ContentHashKey, out string? hash) && !string.Equals(hash, snapshot.ContentHash, StringComparison.OrdinalIgnoreCase))
            throw new CliException($"ONNX model '{path}' says it holds model {hash}, but its weights hash to {snapshot.ContentHash}: it was changed after export.");
        return snapshot;
    }

    private static void ReadGraph(ByteString graph, Dictionary<string, float[]> initializers, string path)
    {
        var input = graph.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) != 5)
            {
                input.SkipLastField();
                continue;
            }
            var (name, values) = ReadTensor(input.ReadBytes(), path);
            if (values is not null) initializers[name] = values;
        }
    }

    /// <summary>A float tensor's name and values (raw_data little-endian, or float_data); null values for other types.</summary>
    private static (string Name, float[]? Values) ReadTensor(ByteString tensor, string path)
    {
        var input = tensor.CreateCodedInput();
        string name = "";
        int dataType = 0;
        ByteString? raw = null;
        var floats = new List<float>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 2:
                    dataType = input.ReadInt32();
                    break;
                case 4 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                    var packed = input.ReadBytes().Span;
                    for (int i = 0; i + sizeof(float) <= packed.Length; i += sizeof(float)) floats.Add(BinaryPrimitives.ReadSingleLittleEndian(packed[i..]));
                    break;
                case 4:
                    floats.Add(input.ReadFloat());
                    break;
                case 8:
                    name = input.ReadString();
                    break;
                case 9:
                    raw = input.ReadBytes();
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }
        if (dataType != FloatDataType) return (name, null);
        if (raw is null) return (name, [.. floats]);
        if (raw.Length % sizeof(float) != 0)
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"ONNX model '{path}' initializer '{name}' has {raw.Length} bytes of float data, not a multiple of 4."));
        var values = new float[raw.Length / sizeof(float)];
        var span = raw.Span;
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(span[(i * sizeof(float))..]);
        return (name, values);
    }

    private static (string Key, string Value) ReadEntry(ByteString entry)
    {
        var input = entry.CreateCodedInput();
        string key = "", value = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    key = input.ReadString();
                    break;
                case 2:
                    value = input.ReadString();
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }
        return (key, value);
    }
}
