using System.Text.Json;
using System.Text.Json.Serialization;
using Federated.Trust.Pki;

namespace Federated.Trust.Bundles;

/// <summary>
/// <c>bundle.json</c>: what a site or the coordinator needs to start, besides the key material
/// kept in the files it names (relative to the bundle folder).
/// </summary>
public sealed record BundleManifest
{
    /// <summary>Format of this file; readers refuse newer versions.</summary>
    public int FormatVersion { get; init; } = 1;

    /// <summary>The federation's name (the CA's organisation).</summary>
    public required string FederationName { get; init; }

    /// <summary>This party's identity (its certificate's subject CN).</summary>
    public required string Identity { get; init; }

    /// <summary>This party's role.</summary>
    public required FederationRole Role { get; init; }

    /// <summary>The coordinator's gRPC address, e.g. <c>https://coordinator.example:5001</c>; null if not given.</summary>
    public string? CoordinatorAddress { get; init; }

    /// <summary>MQTT broker host, when the federation uses MQTT.</summary>
    public string? MqttHost { get; init; }

    /// <summary>MQTT broker TLS port, when the federation uses MQTT.</summary>
    public int? MqttPort { get; init; }

    /// <summary>The federation CA certificate (PEM).</summary>
    public string CaFile { get; init; } = BundleFiles.Ca;

    /// <summary>This party's certificate and key (password-protected PKCS#12).</summary>
    public required string PfxFile { get; init; }

    /// <summary>This party's public certificate as PEM (for Mosquitto, and to seal envelopes to this party).</summary>
    public string? CertificateFile { get; init; }

    /// <summary>This party's private key as unencrypted PEM, owner-readable only (coordinator bundles, for Mosquitto).</summary>
    public string? KeyFile { get; init; }

    /// <summary>The federation CRL (PEM), when the bundle carries one.</summary>
    public string? CrlFile { get; init; }

    /// <summary>Reads and checks <c>bundle.json</c> in <paramref name="directory"/>.</summary>
    /// <exception cref="FederationTrustException">Missing, not JSON, or a required key is missing or invalid (named).</exception>
    public static BundleManifest Read(string directory)
    {
        var path = Path.Combine(directory, BundleFiles.Manifest);
        if (!File.Exists(path))
        {
            throw new FederationTrustException($"Bundle manifest '{path}' does not exist (is '{directory}' a bundle folder made by federated-trust?).");
        }

        BundleManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(File.ReadAllText(path), BundleManifestJson.Default.BundleManifest);
        }
        catch (JsonException e)
        {
            throw new FederationTrustException($"Bundle manifest '{path}' is invalid: {e.Message}", e);
        }

        if (manifest is null)
        {
            throw new FederationTrustException($"Bundle manifest '{path}' is empty.");
        }

        if (manifest.FormatVersion != 1)
        {
            throw new FederationTrustException($"Bundle manifest '{path}': formatVersion {manifest.FormatVersion} is not supported (expected 1).");
        }

        if (FederationIdentity.Problem(manifest.Identity) is { } problem)
        {
            throw new FederationTrustException($"Bundle manifest '{path}': identity '{manifest.Identity}' {problem}.");
        }

        if (AddressProblem(manifest.CoordinatorAddress, manifest.MqttPort) is { } addressProblem)
        {
            throw new FederationTrustException($"Bundle manifest '{path}': {addressProblem}.");
        }

        return manifest;
    }

    /// <summary>What is wrong with the addresses a manifest carries, or null when nothing is.</summary>
    public static string? AddressProblem(string? coordinatorAddress, int? mqttPort)
    {
        if (mqttPort is { } port && port is < 1 or > 65535)
        {
            return $"mqttPort {port} is not a TCP port";
        }

        if (coordinatorAddress is { } address
            && (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")))
        {
            return $"coordinatorAddress '{address}' is not an http(s) URL";
        }

        return null;
    }

    /// <summary>Writes this manifest as <c>bundle.json</c> in <paramref name="directory"/>.</summary>
    public void Write(string directory) =>
        File.WriteAllText(Path.Combine(directory, BundleFiles.Manifest), JsonSerializer.Serialize(this, BundleManifestJson.Default.BundleManifest) + "\n");
}

/// <summary>
/// The manifest's JSON, generated at compile time: devices read bundles in NativeAOT apps, where
/// reflection-based serialization is not available.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(BundleManifest))]
internal sealed partial class BundleManifestJson : JsonSerializerContext
{
}
