using System.Security.Cryptography.X509Certificates;
using Grpc.Core;

namespace Federated.Coordinator.Security;

/// <summary>
/// Who is calling, as the connection's certificate says (set by <see cref="ClientCertificateInterceptor"/>),
/// and the rule that a caller acts only as itself: a client id in a request that is not the
/// caller's identity is refused. Without mutual TLS there is no identity and ids are taken as sent.
/// </summary>
public static class CallerIdentity
{
    private const string IdentityKey = "federated.identity";
    private const string CertificateKey = "federated.certificate";

    internal static void Set(ServerCallContext context, string identity, X509Certificate2 certificate)
    {
        context.UserState[IdentityKey] = identity;
        context.UserState[CertificateKey] = certificate;
    }

    /// <summary>The caller's certified identity, or null on an unauthenticated (insecure) transport.</summary>
    public static string? Of(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.UserState.TryGetValue(IdentityKey, out object? identity) ? (string)identity : null;
    }

    /// <summary>The certificate the caller authenticated its connection with, or null.</summary>
    public static X509Certificate2? CertificateOf(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.UserState.TryGetValue(CertificateKey, out object? certificate) ? (X509Certificate2)certificate : null;
    }

    /// <summary>Throws PermissionDenied when the caller is authenticated as someone other than <paramref name="clientId"/>.</summary>
    public static void Authorize(ServerCallContext context, string clientId)
    {
        if (Of(context) is { } identity && !string.Equals(identity, clientId, StringComparison.Ordinal))
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"This connection is authenticated as '{identity}' and cannot act for client '{Shorten(clientId)}'."));
    }

    /// <summary>
    /// The client id a join gets: under mutual TLS the certificate's identity (a non-empty requested id
    /// must be that identity); otherwise the requested id, as sent.
    /// </summary>
    public static string? ClientIdForJoin(ServerCallContext context, string? requested)
    {
        if (Of(context) is not { } identity) return requested;
        if (!string.IsNullOrEmpty(requested)) Authorize(context, requested);
        return identity;
    }

    private static string Shorten(string text) => text.Length <= 130 ? text : text[..130] + "…";
}
