namespace Federated.Trust.Statements;

/// <summary>
/// What the coordinator's signature on a distributed model vouches for: the model's content hash,
/// the codec it was served in, the SHA-256 of exactly the bytes served for that codec (a quantized
/// download is not covered by the FP32 content hash), and the round it was handed out for.
/// </summary>
/// <param name="ContentHash">The model's content hash as the task names it.</param>
/// <param name="Codec">The codec's name (e.g. <c>Fp32</c>, <c>Int8</c>).</param>
/// <param name="ServedSha256">Lower-case hex SHA-256 of the served bytes.</param>
public sealed record ModelStatement(string ContentHash, string Codec, string ServedSha256, long Round)
{
    private const string Type = "federated-model-statement/1";

    /// <summary>The statement for <paramref name="served"/>, hashing it.</summary>
    public static ModelStatement For(string contentHash, string codec, ReadOnlySpan<byte> served, long round) =>
        new(contentHash, codec, StatementDigest.Sha256Hex(served), round);

    /// <summary>The canonical bytes that are signed (see <see cref="StatementText"/>); hashes are compared case-insensitively, so they are lower-cased here.</summary>
    public byte[] ToCanonicalBytes() => new StatementText(Type)
        .Add("content-hash", ContentHash.ToLowerInvariant())
        .Add("codec", Codec)
        .Add("served-sha256", ServedSha256.ToLowerInvariant())
        .Add("round", Round)
        .ToBytes();
}
