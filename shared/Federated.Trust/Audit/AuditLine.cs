using System.Security.Cryptography;
using System.Text;

namespace Federated.Trust.Audit;

/// <summary>
/// The framing of one audit line, shared by the writer and the verifier. A line is a JSON object
/// whose last member is <c>"hash"</c>: the lower-case hex SHA-256 of the line's body, which is the
/// same object without that member (so the exact bytes hashed are recoverable from the line). The
/// body holds <c>"prev"</c>, the hash of the line before, which chains the lines (a hash chain as in
/// Schneier and Kelsey, "Secure audit logs to support computer forensics", 1999): editing, removing,
/// inserting or reordering a line breaks the chain at that line.
/// </summary>
internal static class AuditLine
{
    /// <summary>The <c>prev</c> of the first line.</summary>
    public static readonly string Genesis = new('0', 64);

    private static ReadOnlySpan<byte> HashMember => ",\"hash\":\""u8;

    /// <summary>Length of <c>,"hash":"</c> + 64 hex digits + <c>"}</c>.</summary>
    private const int SuffixLength = 9 + 64 + 2;

    public static string HashOf(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    /// <summary>A line from its body (a JSON object without the hash member): the body with the hash appended.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> body, out string hash)
    {
        hash = HashOf(body);
        var line = new byte[body.Length - 1 + SuffixLength];
        body[..^1].CopyTo(line);
        int at = body.Length - 1;
        HashMember.CopyTo(line.AsSpan(at));
        Encoding.ASCII.GetBytes(hash, line.AsSpan(at + HashMember.Length));
        "\"}"u8.CopyTo(line.AsSpan(line.Length - 2));
        return line;
    }

    /// <summary>Splits a line into its body and the hash it claims; false when the line does not end in a hash member.</summary>
    public static bool TryOpen(ReadOnlySpan<byte> line, out byte[] body, out string claimedHash)
    {
        body = [];
        claimedHash = "";
        if (line.Length <= SuffixLength || line[0] != (byte)'{' || !line.EndsWith("\"}"u8)) return false;
        int at = line.Length - SuffixLength;
        if (!line[at..].StartsWith(HashMember)) return false;
        var hex = line.Slice(at + HashMember.Length, 64);
        foreach (byte b in hex)
        {
            if (b is not ((>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f'))) return false;
        }
        claimedHash = Encoding.ASCII.GetString(hex);
        body = new byte[at + 1];
        line[..at].CopyTo(body);
        body[^1] = (byte)'}';
        return true;
    }
}
