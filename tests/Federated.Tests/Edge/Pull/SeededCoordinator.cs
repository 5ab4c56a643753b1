using System.Globalization;
using Federated.Coordinator.Persistence;
using Federated.Shared.Models;
using Federated.Shared.Serialization;
using Federated.Tests.Integration;

namespace Federated.Tests.Edge.Pull;

/// <summary>
/// A real coordinator (Kestrel, HTTP/2, SQLite) on a loopback port chosen by the OS, started on a database that
/// already holds a federation's history: rounds 1 to 3 completed, round 4 failed. The models are larger than
/// gRPC's 4 MiB message ceiling, so every fetch must arrive in chunks.
/// </summary>
public class SeededCoordinator : IAsyncLifetime
{
    /// <summary>784·1400 + 1400 + 1400·10 + 10 floats: about 4.45 MB per model file.</summary>
    public const string Architecture = "input 784; linear 784 1400; relu; linear 1400 10";

    public const int CompletedRounds = 3;

    private LoopbackCoordinator? _coordinator;

    public Uri Address => _coordinator?.Address ?? throw new InvalidOperationException("Not started.");

    /// <summary>Each completed round's model file, as the coordinator checkpointed it (index = round - 1).</summary>
    public IReadOnlyList<byte[]> Files { get; private set; } = [];

    public async Task InitializeAsync()
    {
        string directory = Path.Combine(Path.GetTempPath(), "federated-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var architecture = ModelArchitecture.Parse(Architecture);
        var files = new List<byte[]>();
        var start = DateTimeOffset.UtcNow;
        await using (var store = new SqliteCoordinatorStore(Path.Combine(directory, "coordinator.db")))
        {
            await store.InitializeAsync();
            string input = "";
            for (int round = 0; round <= CompletedRounds; round++)
            {
                var snapshot = new ModelSnapshot(round, architecture, ParameterInitializer.Initialize(architecture, 100 + round));
                byte[] file = ModelFile.ToBytes(snapshot);
                await store.SaveModelAsync(snapshot.ContentHash, file);
                if (round > 0)
                {
                    await store.StartRoundAsync(round, input, start.AddMinutes(round));
                    await store.FinishRoundAsync(round, RoundStatus.Completed, snapshot.ContentHash, null, start.AddMinutes(round + 0.5));
                    files.Add(file);
                }
                input = snapshot.ContentHash;
            }
            await store.StartRoundAsync(CompletedRounds + 1, input, start.AddMinutes(10));
            await store.FinishRoundAsync(CompletedRounds + 1, RoundStatus.Failed, null, "too few results", start.AddMinutes(11));
        }
        Files = files;
        // Rounds = 4 are all recorded, so the coordinator resumes, finds nothing left to run, and only serves.
        var settings = new Dictionary<string, string?>
        {
            ["Model"] = Architecture,
            ["Rounds"] = (CompletedRounds + 1).ToString(CultureInfo.InvariantCulture),
            ["MinClients"] = "1",
            ["ClientsPerRound"] = "1",
            ["MinResults"] = "1",
        };
        AddSettings(settings);
        _coordinator = await LoopbackCoordinator.StartAsync(settings, directory: directory);
    }

    /// <summary>More coordinator settings (e.g. mutual TLS) for a derived fixture.</summary>
    protected virtual void AddSettings(IDictionary<string, string?> settings)
    {
    }

    public virtual async Task DisposeAsync()
    {
        if (_coordinator is null) return;
        string directory = _coordinator.Directory;
        await _coordinator.DisposeAsync();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temporary folder is cleaned by the OS.
        }
    }
}
