using Federated.Coordinator.Persistence;
using Federated.Coordinator.Transport;
using Federated.Shared.Models;
using Federated.Shared.Serialization;

namespace Federated.Tests.Edge.Pull;

/// <summary>How the coordinator answers for rounds without a model, and for a damaged checkpoint.</summary>
public sealed class GlobalModelCatalogTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("federated-catalog-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<SqliteCoordinatorStore> OpenStoreAsync()
    {
        var store = new SqliteCoordinatorStore(Path.Combine(_folder, "coordinator.db"));
        await store.InitializeAsync();
        return store;
    }

    [Fact]
    public async Task Latest_before_any_round_is_unknown()
    {
        await using var store = await OpenStoreAsync();
        var lookup = await new GlobalModelCatalog(store).FindAsync(0);

        var unknown = Assert.IsType<GlobalModelLookup.Unknown>(lookup);
        Assert.Contains("No round has started yet", unknown.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_running_round_has_no_model_yet()
    {
        await using var store = await OpenStoreAsync();
        await store.StartRoundAsync(1, "00", DateTimeOffset.UtcNow);

        var catalog = new GlobalModelCatalog(store);

        Assert.Contains("still running", Assert.IsType<GlobalModelLookup.NoModel>(await catalog.FindAsync(1)).Reason, StringComparison.Ordinal);
        Assert.Contains("No round has completed yet", Assert.IsType<GlobalModelLookup.Unknown>(await catalog.FindAsync(0)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_damaged_checkpoint_is_reported_not_served()
    {
        await using var store = await OpenStoreAsync();
        var architecture = ModelArchitecture.Parse("input 4; linear 4 3");
        var snapshot = new ModelSnapshot(1, architecture, ParameterInitializer.Initialize(architecture, 7));
        byte[] file = ModelFile.ToBytes(snapshot);
        file[^40] ^= 1;
        await store.SaveModelAsync(snapshot.ContentHash, file);
        await store.StartRoundAsync(1, "00", DateTimeOffset.UtcNow);
        await store.FinishRoundAsync(1, RoundStatus.Completed, snapshot.ContentHash, null, DateTimeOffset.UtcNow);

        var lookup = await new GlobalModelCatalog(store).FindAsync(1);

        Assert.Contains("checksum", Assert.IsType<GlobalModelLookup.Damaged>(lookup).Reason, StringComparison.Ordinal);
    }
}
