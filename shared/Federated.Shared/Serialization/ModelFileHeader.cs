using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Shared.Serialization;

/// <summary>A checked model file's header: what <see cref="ModelFile.ReadHeader"/> found, and where its parameters lie.</summary>
/// <param name="ContentHash">The content hash the header claims (checked when the parameters are read).</param>
/// <param name="PayloadOffset">Where the little-endian float32 parameters start in the file.</param>
/// <param name="PayloadLength">Their length in bytes.</param>
public sealed record ModelFileHeader(long Round, ModelArchitecture? Architecture, ParameterLayout Layout, string ContentHash, int PayloadOffset, int PayloadLength)
{
    /// <summary>The parameters' bytes in <paramref name="file"/>, the file this header was read from.</summary>
    public ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> file) => file.Slice(PayloadOffset, PayloadLength);
}
