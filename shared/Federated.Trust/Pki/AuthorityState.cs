using System.Text.Json;
using System.Text.Json.Serialization;

namespace Federated.Trust.Pki;

/// <summary>What <c>authority.json</c> holds next to the encrypted CA key: counters and the issued/revoked ledger.</summary>
internal sealed class AuthorityState
{
    public int FormatVersion { get; set; } = 1;

    public string FederationName { get; set; } = string.Empty;

    /// <summary>Next certificate serial (hexadecimal); serials are never reused.</summary>
    public string NextSerial { get; set; } = "01";

    /// <summary>Next CRL number (RFC 5280 §5.2.3: monotonically increasing).</summary>
    public string NextCrlNumber { get; set; } = "01";

    public List<IssuedCertificate> Issued { get; set; } = [];

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };
}
