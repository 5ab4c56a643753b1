using System.Runtime.InteropServices;
using Federated.Shared.Parameters;

namespace Federated.Shared.Serialization;

public static partial class ModelFile
{
    /// <summary>
    /// The parameters of a model file whose header <see cref="ReadHeader"/> returned, after the same
    /// content-hash checks as <see cref="Read"/>, without a model-sized allocation: on a little-endian
    /// machine they are a view of the file's own bytes (its payload is the flat float32 buffer), elsewhere
    /// they are decoded into <paramref name="scratch"/>, which must then hold at least the layout's length
    /// (on little-endian machines it is not touched and may be empty).
    /// Lets a receiver check and use an upload without copying it; the view lives as long as the file's bytes.
    /// </summary>
    public static ReadOnlySpan<float> ReadValues(ReadOnlySpan<byte> file, ModelFileHeader header, Span<float> scratch, string? expectedContentHash = null, string source = "model file")
    {
        ArgumentNullException.ThrowIfNull(header);
        var payload = header.Payload(file);
        ReadOnlySpan<float> values;
        if (BitConverter.IsLittleEndian)
            values = MemoryMarshal.Cast<byte, float>(payload);
        else
        {
            var decoded = scratch[..header.Layout.TotalLength];
            LittleEndianFloats.Read(payload, decoded);
            values = decoded;
        }
        CheckContentHash(ModelContentHash.Compute(header.Layout, values), header, expectedContentHash, source);
        return values;
    }
}
