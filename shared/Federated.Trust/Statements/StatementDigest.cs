using System.Security.Cryptography;

namespace Federated.Trust.Statements;

/// <summary>The digest every hash field of a statement (and of the audit log) uses: lower-case hex SHA-256.</summary>
public static class StatementDigest
{
    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
