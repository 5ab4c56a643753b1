namespace Federated.Coordinator.Security;

/// <summary>How the coordinator's network transports (gRPC, MQTT) protect their connections.</summary>
public enum TransportSecurityMode
{
    /// <summary>
    /// TLS with client certificates issued by the federation CA (the default): the coordinator
    /// presents its certificate, every client presents its own, and a client's identity is its
    /// certificate's, never a name it sends.
    /// </summary>
    MutualTls,

    /// <summary>Plain text, no authentication: local development only, logged as a warning at start.</summary>
    Insecure,
}
