using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Federated.Protocol;
using Google.Protobuf;
using Grpc.Core;

namespace Federated.Coordinator.Transport;

/// <summary>
/// The server's reader of <c>UploadResult</c> chunks. Protobuf's parser gives every data chunk a new
/// array: a hundred 4.8 MB uploads are 7,500 fresh 64 KiB arrays per round, garbage that the GC lets
/// pile up for a while, so the coordinator's peak memory depended on when it collected. Here a data
/// chunk (the message is only field 2, bytes) is read into an array from a small pool instead, and
/// <see cref="ChunkedRequest"/> hands it back as soon as it has copied the bytes into the upload's
/// buffer. Anything else (the header) goes through the generated parser.
/// </summary>
internal static class UploadChunkPool
{
    /// <summary>Arrays kept for reuse: enough for every upload slot to have a few chunks in flight.</summary>
    private const int MaxPooled = 64;

    // A data chunk on the wire: tag (field 2, length-delimited) = 0x12, a varint length, the bytes.
    private const byte DataTag = (2 << 3) | 2;

    private static readonly ConcurrentBag<byte[]> Free = [];

    /// <summary>The request marshaller for <c>UploadResult</c>: the generated serializer, the pooling deserializer.</summary>
    public static Marshaller<ResultChunk> Marshaller(Marshaller<ResultChunk> generated) =>
        Marshallers.Create(generated.ContextualSerializer, Deserialize);

    /// <summary>Gives a chunk's array back once its bytes were copied; the chunk must not be read afterwards.</summary>
    public static void Return(ByteString data)
    {
        // Arrays of chunks the generated parser made are as good to reuse: nothing else holds them.
        if (MemoryMarshal.TryGetArray(data.Memory, out var segment) && segment.Array is { Length: > 0 } array && Free.Count < MaxPooled)
            Free.Add(array);
    }

    private static ResultChunk Deserialize(DeserializationContext context)
    {
        var payload = context.PayloadAsReadOnlySequence();
        var reader = new SequenceReader<byte>(payload);
        if (reader.TryRead(out byte tag) && tag == DataTag && TryReadLength(ref reader, out int length) && length == reader.Remaining)
        {
            byte[] array = Rent(length);
            reader.TryCopyTo(array.AsSpan(0, length));
            return new ResultChunk { Data = UnsafeByteOperations.UnsafeWrap(array.AsMemory(0, length)) };
        }
        return ResultChunk.Parser.ParseFrom(payload);
    }

    /// <summary>An array of at least <paramref name="length"/> bytes and at most about twice that, so a small chunk does not pin a large one.</summary>
    private static byte[] Rent(int length)
    {
        for (int attempt = 0; attempt < 4 && Free.TryTake(out var array); attempt++)
        {
            if (array.Length >= length && array.Length <= 2L * length + 4096) return array;
            if (Free.Count < MaxPooled) Free.Add(array);
        }
        return new byte[Math.Max(length, 1)];
    }

    /// <summary>A protobuf varint (at most 5 bytes for an int) that fits an array length.</summary>
    private static bool TryReadLength(ref SequenceReader<byte> reader, out int length)
    {
        length = 0;
        uint value = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            if (!reader.TryRead(out byte next)) return false;
            value |= (uint)(next & 0x7F) << shift;
            if ((next & 0x80) == 0)
            {
                if (value > int.MaxValue) return false;
                length = (int)value;
                return true;
            }
        }
        return false;
    }
}
