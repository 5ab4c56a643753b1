using Federated.Coordinator.Options;
using Federated.Coordinator.Transport;

namespace Federated.Tests.Transport;

public class UploadBuffersTests
{
    private static UploadBuffers Create(int slots) =>
        new(Microsoft.Extensions.Options.Options.Create(new FederationOptions { MaxConcurrentUploads = slots }));

    [Fact]
    public async Task A_third_upload_waits_until_one_of_two_slots_is_returned()
    {
        using var buffers = Create(2);
        byte[] first = await buffers.RentAsync(1000, CancellationToken.None);
        byte[] second = await buffers.RentAsync(1000, CancellationToken.None);

        var third = buffers.RentAsync(1000, CancellationToken.None);
        Assert.False(third.IsCompleted);

        buffers.Return(first);
        byte[] reused = await third.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Same(first, reused);
        buffers.Return(second);
        buffers.Return(reused);
    }

    [Fact]
    public async Task A_waiting_upload_can_be_cancelled()
    {
        using var buffers = Create(1);
        byte[] held = await buffers.RentAsync(10, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = buffers.RentAsync(10, cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        buffers.Return(held);
    }

    [Fact]
    public async Task Buffers_are_reused_only_for_a_similar_size_and_empty_payloads_take_no_slot()
    {
        using var buffers = Create(2);
        byte[] large = await buffers.RentAsync(1 << 20, CancellationToken.None);
        buffers.Return(large);

        byte[] empty = await buffers.RentAsync(0, CancellationToken.None);
        Assert.Empty(empty);
        byte[] small = await buffers.RentAsync(100, CancellationToken.None);
        Assert.NotSame(large, small);
        Assert.Equal(100, small.Length);
        buffers.Return(small);

        byte[] again = await buffers.RentAsync(1 << 20, CancellationToken.None);
        Assert.Same(large, again);
        buffers.Return(again);
    }
}
