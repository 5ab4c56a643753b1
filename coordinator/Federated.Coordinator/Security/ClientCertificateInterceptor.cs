using Grpc.Core;
using Grpc.Core.Interceptors;
using Federated.Trust.Pki;
using Microsoft.AspNetCore.Http;

namespace Federated.Coordinator.Security;

/// <summary>
/// Under mutual TLS, checks the connection's client certificate on every gRPC call, not only at the
/// handshake: a site revoked while its HTTP/2 connection stays open is refused from its next call on.
/// The caller's identity (the certificate's) is left in the call's user state for
/// <see cref="CallerIdentity"/>. In insecure mode it lets every call through untouched.
/// </summary>
internal sealed class ClientCertificateInterceptor(TransportSecurity security) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Authenticate(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Authenticate(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Authenticate(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Authenticate(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Authenticate(ServerCallContext context)
    {
        if (!security.IsMutualTls) return;
        var certificate = context.GetHttpContext().Connection.ClientCertificate;
        // Kestrel already refused handshakes without a trusted certificate; no certificate here means
        // a plain-text endpoint was configured beside mutual TLS, which must not open a back door.
        if (certificate is null)
            throw new RpcException(new Status(StatusCode.Unauthenticated, "The coordinator requires mutual TLS: connect over https with a federation client certificate."));
        // Sites only: the coordinator's own certificate has no business calling its own service.
        var check = security.Recheck(certificate, FederationRole.Site);
        if (!check.Trusted)
            throw new RpcException(new Status(StatusCode.PermissionDenied, check.Refusal!));
        CallerIdentity.Set(context, check.Identity!, certificate);
    }
}
