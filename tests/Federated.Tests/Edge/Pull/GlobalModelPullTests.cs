using Federated.Edge.Pull;
using Federated.Protocol;
using Federated.Shared.Serialization;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace Federated.Tests.Edge.Pull;

/// <summary>
/// FetchGlobalModel end to end: a real coordinator serving its persisted rounds over loopback gRPC, the
/// edge puller verifying what arrives, and transfers changed in transit being refused.
/// </summary>
public sealed class GlobalModelPullTests(SeededCoordinator seeded) : IClassFixture<SeededCoordinator>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("federated-pull-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Latest_is_the_last_completed_round_byte_for_byte()
    {
        using var puller = new GlobalModelPuller(seeded.Address);
        using var timeout = new CancellationTokenSource(Timeout);

        var model = await puller.PullAsync(0, timeout.Token);

        Assert.Equal(SeededCoordinator.CompletedRounds, model.Round);
        Assert.Equal(SeededCoordinator.CompletedRounds, model.LatestRound);
        Assert.Equal(seeded.Files[^1], model.File);
        var stored = ModelFile.Read(seeded.Files[^1]);
        Assert.Equal(stored.ContentHash, model.ContentHash);
        Assert.Equal(SeededCoordinator.Architecture, model.Snapshot.Architecture!.ToCanonicalString());
        Assert.True(model.File.Length > 4 * 1024 * 1024, "the model must be larger than one gRPC message");
    }

    [Fact]
    public async Task A_round_by_number_is_written_to_the_file_verified()
    {
        using var puller = new GlobalModelPuller(seeded.Address);
        using var timeout = new CancellationTokenSource(Timeout);
        string path = Path.Combine(_folder, "round-2.fedmodel");

        var model = await puller.PullToFileAsync(path, 2, timeout.Token);

        Assert.Equal(2, model.Round);
        Assert.Equal(SeededCoordinator.CompletedRounds, model.LatestRound);
        Assert.Equal(seeded.Files[1], await File.ReadAllBytesAsync(path, timeout.Token));
        Assert.Equal(2, ModelFile.ReadFile(path, model.ContentHash).Round);
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task An_unknown_round_is_NotFound_and_names_the_rounds_that_exist()
    {
        using var puller = new GlobalModelPuller(seeded.Address);
        using var timeout = new CancellationTokenSource(Timeout);

        var error = await Assert.ThrowsAsync<GlobalModelPullException>(() => puller.PullAsync(17, timeout.Token));

        Assert.Equal(StatusCode.NotFound, error.Status);
        Assert.Contains("Round 17 is unknown", error.Message, StringComparison.Ordinal);
        Assert.Contains("rounds 1 to 4", error.Message, StringComparison.Ordinal);
        Assert.Contains("latest completed is 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_round_has_no_model_and_says_why()
    {
        using var puller = new GlobalModelPuller(seeded.Address);
        using var timeout = new CancellationTokenSource(Timeout);

        var error = await Assert.ThrowsAsync<GlobalModelPullException>(() => puller.PullAsync(4, timeout.Token));

        Assert.Equal(StatusCode.FailedPrecondition, error.Status);
        Assert.Contains("too few results", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bit_flipped_in_transit_is_rejected_by_the_checksum_and_nothing_is_written()
    {
        var error = await PullTamperedAsync(stream => TamperingInterceptor.FlipBit(stream, 20));

        Assert.Null(error.Status);
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task A_truncated_transfer_is_rejected()
    {
        var error = await PullTamperedAsync(TamperingInterceptor.DropLast);

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task A_sound_file_of_another_model_than_announced_is_rejected()
    {
        string roundOne = ModelFile.Read(seeded.Files[0]).ContentHash;

        var error = await PullTamperedAsync(stream => TamperingInterceptor.RewriteHeader(stream, header => header.ContentHash = roundOne));

        Assert.Contains($"not the expected {roundOne}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_bytes_than_announced_are_rejected()
    {
        var error = await PullTamperedAsync(stream => TamperingInterceptor.RewriteHeader(stream, header => header.TotalBytes -= 1000));

        Assert.Contains("overran", error.Message, StringComparison.Ordinal);
    }

    private async Task<GlobalModelPullException> PullTamperedAsync(Func<IAsyncStreamReader<GlobalModelChunk>, IAsyncStreamReader<GlobalModelChunk>> tamper)
    {
        using var channel = GrpcChannel.ForAddress(seeded.Address);
        using var puller = new GlobalModelPuller(channel.Intercept(new TamperingInterceptor(tamper)));
        using var timeout = new CancellationTokenSource(Timeout);
        return await Assert.ThrowsAsync<GlobalModelPullException>(() => puller.PullToFileAsync(Path.Combine(_folder, "model.fedmodel"), 0, timeout.Token));
    }
}
