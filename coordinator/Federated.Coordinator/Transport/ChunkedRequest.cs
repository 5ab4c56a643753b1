using Google.Protobuf;
using Grpc.Core;

namespace Federated.Coordinator.Transport;

/// <summary>The data chunks that follow a header in a client-streaming call (uploads, secure steps).</summary>
internal static class ChunkedRequest
{
    /// <summary>
    /// Reads the remaining chunks into <paramref name="buffer"/>[..<paramref name="length"/>]. Returns
    /// why the stream breaks its declared framing (a second header, too many or too few bytes), or null.
    /// </summary>
    /// <param name="dataOf">The chunk's data, or null when the chunk is not a data part.</param>
    /// <param name="what">What the call carries, for the reasons ("upload", "step").</param>
    /// <param name="release">Called with each data chunk once its bytes are copied (a pooled chunk goes back to its pool).</param>
    public static async Task<string?> ReadAsync<TChunk>(IAsyncStreamReader<TChunk> stream, Func<TChunk, ByteString?> dataOf, byte[] buffer, int length, string what, CancellationToken cancellationToken,
        Action<ByteString>? release = null)
    {
        long received = 0;
        while (await stream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            if (dataOf(stream.Current) is not { } data)
                return $"a second header arrived in the same {what}";
            if (received + data.Length > length)
                return $"the {what} carries more than the declared {length} bytes";
            data.Span.CopyTo(buffer.AsSpan((int)received));
            received += data.Length;
            release?.Invoke(data);
        }
        return received == length ? null : $"the {what} ended after {received} of the declared {length} bytes";
    }
}
