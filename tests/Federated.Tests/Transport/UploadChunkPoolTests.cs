using System.Buffers;
using System.Runtime.InteropServices;
using Federated.Coordinator.Transport;
using Federated.Protocol;
using Google.Protobuf;
using Grpc.Core;

namespace Federated.Tests.Transport;

/// <summary>The pooled reader of upload chunks: the same messages as protobuf's parser, with the data arrays reused.</summary>
public class UploadChunkPoolTests
{
    private static readonly Marshaller<ResultChunk> Pooled = UploadChunkPool.Marshaller(
        Marshallers.Create(static (ResultChunk m) => m.ToByteArray(), ResultChunk.Parser.ParseFrom));

    private sealed class Payload(byte[] bytes) : DeserializationContext
    {
        public override int PayloadLength => bytes.Length;

        public override byte[] PayloadAsNewBuffer() => (byte[])bytes.Clone();

        public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(bytes);
    }

    private static ResultChunk Read(ResultChunk message) => Pooled.ContextualDeserializer(new Payload(message.ToByteArray()));

    private static byte[] ArrayOf(ByteString data) =>
        MemoryMarshal.TryGetArray(data.Memory, out var segment) ? segment.Array! : throw new InvalidOperationException("not array-backed");

    [Theory]
    [InlineData(1)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(65_536)]
    [InlineData(300_001)]
    public void A_data_chunk_reads_back_the_same_bytes(int length)
    {
        byte[] bytes = new byte[length];
        new Random(length).NextBytes(bytes);

        var chunk = Read(new ResultChunk { Data = ByteString.CopyFrom(bytes) });

        Assert.Equal(ResultChunk.PartOneofCase.Data, chunk.PartCase);
        Assert.Equal(bytes, chunk.Data.ToByteArray());
    }

    [Fact]
    public void A_header_goes_through_the_generated_parser()
    {
        var header = new ResultChunk { Header = new ResultHeader { ClientId = "site-a", TaskId = "t-1", ExampleCount = 42, PayloadBytes = 9 } };

        Assert.Equal(header, Read(header));
    }

    [Fact]
    public void A_returned_array_carries_the_next_chunk_of_its_size()
    {
        byte[] first = new byte[70_001], second = new byte[70_001];
        new Random(1).NextBytes(first);
        new Random(2).NextBytes(second);
        var one = Read(new ResultChunk { Data = ByteString.CopyFrom(first) });
        byte[] array = ArrayOf(one.Data);

        UploadChunkPool.Return(one.Data);
        var two = Read(new ResultChunk { Data = ByteString.CopyFrom(second) });

        Assert.Same(array, ArrayOf(two.Data));
        Assert.Equal(second, two.Data.ToByteArray());
    }
}
