namespace Federated.Trust.Pki;

/// <summary>What a federation certificate may act as. Encoded in the certificate (see <see cref="FederationOids"/>).</summary>
public enum FederationRole
{
    /// <summary>The coordinator: serves gRPC/MQTT over TLS, signs the models it distributes.</summary>
    Coordinator,

    /// <summary>A site or device: a TLS client that signs the updates it sends.</summary>
    Site,
}
