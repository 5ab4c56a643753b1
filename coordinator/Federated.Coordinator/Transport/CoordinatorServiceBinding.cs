using Federated.Protocol;
using Grpc.Core;

namespace Federated.Coordinator.Transport;

/// <summary>
/// Binds <see cref="GrpcCoordinatorService"/> as the generated code does, except that
/// <c>UploadResult</c> reads its chunks with <see cref="UploadChunkPool"/>'s marshaller. ASP.NET
/// Core's gRPC finds this through the service's <see cref="BindServiceMethodAttribute"/>.
/// </summary>
internal static class CoordinatorServiceBinding
{
    public static void BindService(ServiceBinderBase binder, Protocol.Coordinator.CoordinatorBase service) =>
        Protocol.Coordinator.BindService(new PooledUploadBinder(binder), service);

    /// <summary>Passes every method on unchanged but <c>UploadResult</c>, which gets the pooling request marshaller.</summary>
    private sealed class PooledUploadBinder(ServiceBinderBase inner) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(method, handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(method, handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(method, handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
            if (method is Method<ResultChunk, UploadReply> upload && upload.Name == nameof(GrpcCoordinatorService.UploadResult))
            {
                var pooled = new Method<ResultChunk, UploadReply>(upload.Type, upload.ServiceName, upload.Name,
                    UploadChunkPool.Marshaller(upload.RequestMarshaller), upload.ResponseMarshaller);
                inner.AddMethod(pooled, (ClientStreamingServerMethod<ResultChunk, UploadReply>?)(object?)handler);
                return;
            }
            inner.AddMethod(method, handler);
        }
    }
}
