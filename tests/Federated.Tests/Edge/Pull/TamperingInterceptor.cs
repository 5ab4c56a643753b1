using Federated.Protocol;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Federated.Tests.Edge.Pull;

/// <summary>
/// Changes a FetchGlobalModel stream in transit, between a real coordinator and the puller: what a
/// broken proxy, a flaky link or a malicious middlebox could deliver.
/// </summary>
internal sealed class TamperingInterceptor(Func<IAsyncStreamReader<GlobalModelChunk>, IAsyncStreamReader<GlobalModelChunk>> tamper) : Interceptor
{
    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, context);
        if (call.ResponseStream is not IAsyncStreamReader<GlobalModelChunk> chunks) return call;
        var changed = (IAsyncStreamReader<TResponse>)tamper(chunks);
        return new AsyncServerStreamingCall<TResponse>(changed, call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    /// <summary>Flips one bit of the data chunk numbered <paramref name="index"/> (0 = first data chunk).</summary>
    public static IAsyncStreamReader<GlobalModelChunk> FlipBit(IAsyncStreamReader<GlobalModelChunk> inner, int index) =>
        new Mapped(inner, (chunk, dataIndex) =>
        {
            if (dataIndex != index) return chunk;
            byte[] bytes = chunk.Data.ToByteArray();
            bytes[bytes.Length / 2] ^= 0x10;
            return new GlobalModelChunk { Data = Google.Protobuf.ByteString.CopyFrom(bytes) };
        });

    /// <summary>Ends the stream before its last data chunk, as a dropped connection that still closed cleanly would.</summary>
    public static IAsyncStreamReader<GlobalModelChunk> DropLast(IAsyncStreamReader<GlobalModelChunk> inner) => new Truncated(inner);

    /// <summary>Rewrites the header (e.g. to announce another model).</summary>
    public static IAsyncStreamReader<GlobalModelChunk> RewriteHeader(IAsyncStreamReader<GlobalModelChunk> inner, Action<GlobalModelHeader> rewrite) =>
        new Mapped(inner, (chunk, _) =>
        {
            if (chunk.PartCase != GlobalModelChunk.PartOneofCase.Header) return chunk;
            var header = chunk.Header.Clone();
            rewrite(header);
            return new GlobalModelChunk { Header = header };
        });

    private sealed class Mapped(IAsyncStreamReader<GlobalModelChunk> inner, Func<GlobalModelChunk, int, GlobalModelChunk> map) : IAsyncStreamReader<GlobalModelChunk>
    {
        private int _dataIndex = -1;

        public GlobalModelChunk Current { get; private set; } = null!;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!await inner.MoveNext(cancellationToken)) return false;
            var chunk = inner.Current;
            if (chunk.PartCase == GlobalModelChunk.PartOneofCase.Data) _dataIndex++;
            Current = map(chunk, _dataIndex);
            return true;
        }
    }

    /// <summary>Reads one chunk ahead so it can hold back the last one.</summary>
    private sealed class Truncated(IAsyncStreamReader<GlobalModelChunk> inner) : IAsyncStreamReader<GlobalModelChunk>
    {
        private GlobalModelChunk? _next;
        private bool _started;

        public GlobalModelChunk Current { get; private set; } = null!;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!_started)
            {
                _started = true;
                if (!await inner.MoveNext(cancellationToken)) return false;
                _next = inner.Current;
            }
            if (_next is null || !await inner.MoveNext(cancellationToken)) return false;
            Current = _next;
            _next = inner.Current;
            return true;
        }
    }
}
