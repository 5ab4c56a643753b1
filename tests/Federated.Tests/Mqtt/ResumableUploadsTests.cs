using Federated.Coordinator.Mqtt;
using Microsoft.Extensions.Time.Testing;

namespace Federated.Tests.Mqtt;

public class ResumableUploadsTests
{
    private static byte[] Bytes(int count, byte start = 0)
    {
        var bytes = new byte[count];
        for (int i = 0; i < count; i++) bytes[i] = (byte)(start + i);
        return bytes;
    }

    [Fact]
    public void Chunks_in_order_complete_the_payload_and_repeats_are_acknowledged_without_effect()
    {
        var uploads = new ResumableUploads(4, TimeSpan.FromMinutes(1), new FakeTimeProvider());
        byte[] payload = Bytes(10);

        Assert.Equal(4, Assert.IsType<ChunkOutcome.Progress>(uploads.Accept("a", 10, 0, payload.AsSpan(0, 4))).Received);
        // The same chunk again (its acknowledgement was lost): acknowledged, not appended twice.
        Assert.Equal(4, Assert.IsType<ChunkOutcome.Progress>(uploads.Accept("a", 10, 0, payload.AsSpan(0, 4))).Received);
        // A chunk past a gap: the sender is told where to continue.
        Assert.Equal(4, Assert.IsType<ChunkOutcome.Progress>(uploads.Accept("a", 10, 8, payload.AsSpan(8, 2))).Received);
        Assert.Equal(8, Assert.IsType<ChunkOutcome.Progress>(uploads.Accept("a", 10, 4, payload.AsSpan(4, 4))).Received);
        var complete = Assert.IsType<ChunkOutcome.Complete>(uploads.Accept("a", 10, 8, payload.AsSpan(8, 2)));
        Assert.Equal(payload, complete.Payload.ToArray());
        ResumableUploads.Release(complete);
        Assert.Equal(0, uploads.Count);
    }

    [Fact]
    public void A_resumed_chunk_for_an_upload_the_coordinator_does_not_hold_restarts_it_from_zero()
    {
        var uploads = new ResumableUploads(4, TimeSpan.FromMinutes(1), new FakeTimeProvider());
        Assert.Equal(0, Assert.IsType<ChunkOutcome.Progress>(uploads.Accept("a", 10, 6, Bytes(4))).Received);
        Assert.Equal(0, uploads.Count);
    }

    [Fact]
    public void Overflowing_chunks_and_offsets_outside_the_payload_are_malformed()
    {
        var uploads = new ResumableUploads(4, TimeSpan.FromMinutes(1), new FakeTimeProvider());
        Assert.IsType<ChunkOutcome.Malformed>(uploads.Accept("a", 4, 0, Bytes(5)));
        Assert.IsType<ChunkOutcome.Malformed>(uploads.Accept("b", 4, -1, Bytes(1)));
        Assert.IsType<ChunkOutcome.Malformed>(uploads.Accept("c", 4, 5, Bytes(1)));
        Assert.Equal(0, uploads.Count);
    }

    [Fact]
    public void Open_uploads_are_bounded_and_idle_ones_are_dropped()
    {
        var time = new FakeTimeProvider();
        var uploads = new ResumableUploads(2, TimeSpan.FromMinutes(1), time);
        uploads.Accept("a", 10, 0, Bytes(2));
        uploads.Accept("b", 10, 0, Bytes(2));
        Assert.IsType<ChunkOutcome.Busy>(uploads.Accept("c", 10, 0, Bytes(2)));

        time.Advance(TimeSpan.FromMinutes(2));
        Assert.IsType<ChunkOutcome.Progress>(uploads.Accept("c", 10, 0, Bytes(2)));
        // "a" expired: its sender's next chunk is told to start over.
        Assert.Equal(0, Assert.IsType<ChunkOutcome.Progress>(uploads.Accept("a", 10, 2, Bytes(2))).Received);
    }

    [Fact]
    public void A_new_declared_size_replaces_the_held_upload()
    {
        var uploads = new ResumableUploads(4, TimeSpan.FromMinutes(1), new FakeTimeProvider());
        uploads.Accept("a", 10, 0, Bytes(4));
        var complete = Assert.IsType<ChunkOutcome.Complete>(uploads.Accept("a", 3, 0, Bytes(3, 7)));
        Assert.Equal(Bytes(3, 7), complete.Payload.ToArray());
        ResumableUploads.Release(complete);
    }
}
