using Federated.Coordinator.Persistence;
using Federated.Shared.Models;
using Federated.Shared.Serialization;
using Microsoft.Data.Sqlite;
using TaskStatus = Federated.Coordinator.Persistence.TaskStatus;

namespace Federated.Tests.Persistence;

/// <summary>The SQLite store on real files, each test in its own temporary directory.</summary>
public sealed class SqliteCoordinatorStoreTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset T0 = new DateTimeOffset(2025, 3, 4, 5, 6, 7, 891, TimeSpan.FromHours(2)).AddTicks(1234);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "federated-store-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SqliteCoordinatorStore> _stores = [];
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    private string DatabasePath => Path.Combine(_directory, "nested", "coordinator.db");
    private CancellationToken Ct => _timeout.Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
            await store.DisposeAsync();
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    public void Dispose() => _timeout.Dispose();

    private async Task<SqliteCoordinatorStore> OpenAsync()
    {
        var store = new SqliteCoordinatorStore(DatabasePath);
        _stores.Add(store);
        await store.InitializeAsync(Ct);
        return store;
    }

    private async Task<SqliteCoordinatorStore> ReopenAsync(SqliteCoordinatorStore store)
    {
        await store.DisposeAsync();
        return await OpenAsync();
    }

    private static ClientRecord Client(string id, DateTimeOffset? joined = null) => new(id, "name of " + id, joined ?? T0, (joined ?? T0).AddMinutes(1));

    private static TaskRecord IssuedTask(string id, long round, string clientId, DateTimeOffset issued, TaskKind kind = TaskKind.Fit) =>
        new(id, round, clientId, kind, "model-" + round, issued, issued.AddSeconds(30), TaskStatus.Issued, null, null);

    [Fact]
    public async Task Constructor_MissingDirectory_IsCreatedAndFileIsWal()
    {
        await using (var store = new SqliteCoordinatorStore(DatabasePath))
        {
            Assert.True(Directory.Exists(Path.GetDirectoryName(DatabasePath)));
            await store.InitializeAsync(Ct);
            await store.InitializeAsync(Ct); // idempotent
        }

        Assert.Equal("wal", await QueryScalarAsync<string>("PRAGMA journal_mode;"));
        Assert.Equal((long)SqliteSchema.LatestVersion, await QueryScalarAsync<long>("PRAGMA user_version;"));
    }

    [Fact]
    public async Task Clients_Upsert_RoundTripsAndKeepsJoinedAt()
    {
        var store = await OpenAsync();
        var alice = Client("alice");
        await store.UpsertClientAsync(alice, Ct);
        await store.UpsertClientAsync(Client("bob", T0.AddHours(1)), Ct);

        Assert.Equal(alice, await store.GetClientAsync("alice", Ct));
        Assert.Null(await store.GetClientAsync("carol", Ct));

        var renamed = new ClientRecord("alice", "Alice's phone", T0.AddDays(3), T0.AddDays(3).AddMilliseconds(7));
        await store.UpsertClientAsync(renamed, Ct);

        var stored = await store.GetClientAsync("alice", Ct);
        Assert.Equal(new ClientRecord("alice", "Alice's phone", alice.JoinedAt, renamed.LastSeenAt), stored);
        Assert.Equal(["alice", "bob"], (await store.GetClientsAsync(Ct)).Select(c => c.ClientId));
    }

    [Fact]
    public async Task Rounds_StartFinishAndMetrics_RoundTripExactly()
    {
        var store = await OpenAsync();
        await store.StartRoundAsync(1, "in-1", T0, Ct);
        await store.StartRoundAsync(2, "in-2", T0.AddMinutes(5), Ct);
        await store.FinishRoundAsync(1, RoundStatus.Completed, "out-1", null, T0.AddMinutes(4).AddTicks(1), Ct);
        await store.FinishRoundAsync(2, RoundStatus.Failed, null, "only 1 of 3 results", T0.AddMinutes(9), Ct);
        await store.StartRoundAsync(3, "out-1", T0.AddMinutes(10), Ct);
        await store.SetRoundMetricsAsync(1, new Dictionary<string, double> { ["central_accuracy"] = 0.9123456789012345, ["loss"] = 1e-300 }, Ct);

        var first = await store.GetRoundAsync(1, Ct);
        Assert.NotNull(first);
        Assert.Equal((1L, RoundStatus.Completed, "in-1", "out-1", T0, T0.AddMinutes(4).AddTicks(1), (string?)null),
            (first.Round, first.Status, first.InputModelHash, first.OutputModelHash, first.StartedAt, first.FinishedAt, first.FailureReason));
        Assert.Equal(0.9123456789012345, first.Metrics["central_accuracy"]);
        Assert.Equal(1e-300, first.Metrics["loss"]);

        var second = await store.GetRoundAsync(2, Ct);
        Assert.NotNull(second);
        Assert.Equal((RoundStatus.Failed, (string?)null, "only 1 of 3 results"), (second.Status, second.OutputModelHash, second.FailureReason));
        Assert.Empty(second.Metrics);

        var third = await store.GetRoundAsync(3, Ct);
        Assert.NotNull(third);
        Assert.Equal((RoundStatus.Running, (DateTimeOffset?)null), (third.Status, third.FinishedAt));
        Assert.Null(await store.GetRoundAsync(4, Ct));
    }

    [Fact]
    public async Task Rounds_StartedOutOfOrder_AreListedAscending()
    {
        var store = await OpenAsync();
        foreach (long round in (long[])[5, 1, 12, 3])
            await store.StartRoundAsync(round, "m", T0, Ct);
        await store.SetRoundMetricsAsync(12, new Dictionary<string, double> { ["a"] = 12 }, Ct);
        await store.SetRoundMetricsAsync(3, new Dictionary<string, double> { ["a"] = 3 }, Ct);

        var rounds = await store.GetRoundsAsync(Ct);

        Assert.Equal([1L, 3L, 5L, 12L], rounds.Select(r => r.Round));
        Assert.Equal([double.NaN, 3, double.NaN, 12], rounds.Select(r => r.Metrics.TryGetValue("a", out double v) ? v : double.NaN));
    }

    [Fact]
    public async Task RoundMetrics_SetTwice_OverwritesAndAdds()
    {
        var store = await OpenAsync();
        await store.StartRoundAsync(1, "m", T0, Ct);
        await store.SetRoundMetricsAsync(1, new Dictionary<string, double> { ["accuracy"] = 0.5, ["loss"] = 2.0 }, Ct);
        await store.SetRoundMetricsAsync(1, new Dictionary<string, double> { ["accuracy"] = 0.75, ["diverged"] = double.NaN, ["inf"] = double.PositiveInfinity }, Ct);

        var metrics = (await store.GetRoundAsync(1, Ct))!.Metrics;

        Assert.Equal(4, metrics.Count);
        Assert.Equal(0.75, metrics["accuracy"]);
        Assert.Equal(2.0, metrics["loss"]);
        Assert.True(double.IsNaN(metrics["diverged"]));
        Assert.Equal(double.PositiveInfinity, metrics["inf"]);
    }

    [Fact]
    public async Task Tasks_AddAndUpdate_RoundTripInIssueOrder()
    {
        var store = await OpenAsync();
        await store.UpsertClientAsync(Client("c1"), Ct);
        await store.UpsertClientAsync(Client("c2"), Ct);
        await store.StartRoundAsync(7, "model-7", T0, Ct);
        await store.StartRoundAsync(8, "model-8", T0, Ct);
        var late = IssuedTask("t-late", 7, "c1", T0.AddSeconds(2));
        var early = IssuedTask("t-early", 7, "c2", T0.AddSeconds(1), TaskKind.Evaluate);
        var sameTick = IssuedTask("t-same", 7, "c2", T0.AddSeconds(2));
        var other = IssuedTask("t-other", 8, "c1", T0);
        foreach (var task in (TaskRecord[])[late, early, sameTick, other])
            await store.AddTaskAsync(task, Ct);

        Assert.Equal([early, late, sameTick], await store.GetTasksAsync(7, Ct));

        await store.UpdateTaskStatusAsync("t-late", TaskStatus.Rejected, "update has NaN", T0.AddSeconds(9), Ct);
        await store.UpdateTaskStatusAsync("t-early", TaskStatus.Completed, null, T0.AddSeconds(8), Ct);

        Assert.Equal(late with { Status = TaskStatus.Rejected, Reason = "update has NaN", FinishedAt = T0.AddSeconds(9) }, await store.GetTaskAsync("t-late", Ct));
        Assert.Equal(early with { Status = TaskStatus.Completed, FinishedAt = T0.AddSeconds(8) }, await store.GetTaskAsync("t-early", Ct));
        Assert.Equal([other], await store.GetTasksAsync(8, Ct));
        Assert.Null(await store.GetTaskAsync("t-missing", Ct));
        Assert.Empty(await store.GetTasksAsync(9, Ct));
    }

    [Fact]
    public async Task Results_WithMetrics_RoundTripPerRound()
    {
        var store = await OpenAsync();
        await store.UpsertClientAsync(Client("c1"), Ct);
        await store.StartRoundAsync(1, "model-1", T0, Ct);
        await store.StartRoundAsync(2, "model-2", T0, Ct);
        await store.AddTaskAsync(IssuedTask("fit-1", 1, "c1", T0), Ct);
        await store.AddTaskAsync(IssuedTask("eval-1", 1, "c1", T0, TaskKind.Evaluate), Ct);
        await store.AddTaskAsync(IssuedTask("fit-2", 2, "c1", T0), Ct);

        var fit = new ResultRecord("fit-1", 1, "c1", TaskKind.Fit, 6000, T0.AddSeconds(3), new Dictionary<string, double> { ["train_loss"] = 0.31, ["epochs"] = 2 });
        var evaluate = new ResultRecord("eval-1", 1, "c1", TaskKind.Evaluate, 1000, T0.AddSeconds(4), new Dictionary<string, double>());
        await store.AddResultAsync(evaluate, Ct);
        await store.AddResultAsync(fit, Ct);
        await store.AddResultAsync(new ResultRecord("fit-2", 2, "c1", TaskKind.Fit, 1, T0, new Dictionary<string, double> { ["train_loss"] = 9 }), Ct);

        var results = await store.GetResultsAsync(1, Ct);

        Assert.Equal(2, results.Count);
        AssertResult(fit, results[0]);
        AssertResult(evaluate, results[1]);
        Assert.Single(await store.GetResultsAsync(2, Ct));
    }

    [Fact]
    public async Task Results_Twice_Unknown_OrForAnotherClient_Throw()
    {
        var store = await OpenAsync();
        await store.UpsertClientAsync(Client("c1"), Ct);
        await store.StartRoundAsync(1, "model-1", T0, Ct);
        await store.AddTaskAsync(IssuedTask("t1", 1, "c1", T0), Ct);
        var result = new ResultRecord("t1", 1, "c1", TaskKind.Fit, 10, T0, new Dictionary<string, double> { ["loss"] = 1 });
        await store.AddResultAsync(result, Ct);

        var twice = await Assert.ThrowsAsync<InvalidOperationException>(() => store.AddResultAsync(result with { Metrics = new Dictionary<string, double> { ["loss"] = 2 } }, Ct));
        var unknown = await Assert.ThrowsAsync<InvalidOperationException>(() => store.AddResultAsync(result with { TaskId = "t-nope" }, Ct));
        var impostor = await Assert.ThrowsAsync<InvalidOperationException>(() => store.AddResultAsync(result with { ClientId = "c2" }, Ct));

        Assert.Contains("t1", twice.Message, StringComparison.Ordinal);
        Assert.Contains("t-nope", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("'c2'", impostor.Message, StringComparison.Ordinal);
        var stored = Assert.Single(await store.GetResultsAsync(1, Ct));
        AssertResult(result, stored); // the failed second write left nothing behind
    }

    [Fact]
    public async Task Rejections_WithAndWithoutTask_RoundTripOldestFirst()
    {
        var store = await OpenAsync();
        var known = new RejectionRecord("t1", 3, "c1", "update norm 1e9 exceeds 100", T0.AddSeconds(5));
        var stranger = new RejectionRecord(null, null, "c9", "result names no known task", T0.AddSeconds(1));
        var sameTime = new RejectionRecord(null, 4, "c2", "late", T0.AddSeconds(5));
        await store.AddRejectionAsync(known, Ct);
        await store.AddRejectionAsync(stranger, Ct);
        await store.AddRejectionAsync(sameTime, Ct);

        Assert.Equal([stranger, known, sameTime], await store.GetRejectionsAsync(Ct));
    }

    [Fact]
    public async Task Models_SameHashTwice_StoredOnceWithExactBytes()
    {
        var store = await OpenAsync();
        byte[] bytes = new byte[70_001];
        new Random(42).NextBytes(bytes);
        byte[] framed = [1, 2, .. bytes, 3];

        await store.SaveModelAsync("hash-a", bytes, Ct);
        await store.SaveModelAsync("hash-a", new byte[] { 9, 9, 9 }, Ct);
        await store.SaveModelAsync("hash-b", framed.AsMemory(2, bytes.Length), Ct);

        Assert.Equal(bytes, await store.GetModelAsync("hash-a", Ct));
        Assert.Equal(bytes, await store.GetModelAsync("hash-b", Ct));
        Assert.Null(await store.GetModelAsync("hash-c", Ct));
        await store.DisposeAsync();
        Assert.Equal(2L, await QueryScalarAsync<long>("SELECT COUNT(*) FROM models;"));
        Assert.Equal(70_001L, await QueryScalarAsync<long>("SELECT size FROM models WHERE content_hash = 'hash-a';"));
    }

    [Fact]
    public async Task Models_RealModelFile_ReadsBackThroughModelFile()
    {
        var architecture = ModelZoo.Mlp();
        var snapshot = new ModelSnapshot(3, architecture, ParameterInitializer.Initialize(architecture, seed: 17));
        var store = await OpenAsync();
        await store.SaveModelAsync(snapshot.ContentHash, ModelFile.ToBytes(snapshot), Ct);

        store = await ReopenAsync(store);
        byte[]? file = await store.GetModelAsync(snapshot.ContentHash, Ct);

        Assert.NotNull(file);
        var read = ModelFile.Read(file, snapshot.ContentHash);
        Assert.Equal(3, read.Round);
        Assert.Equal(architecture, read.Architecture);
        Assert.Equal(snapshot.Parameters.Array, read.Parameters.Array);
    }

    [Fact]
    public async Task Reopen_NewInstance_ReadsEverythingBack()
    {
        var store = await OpenAsync();
        await store.UpsertClientAsync(Client("c1"), Ct);
        await store.StartRoundAsync(1, "model-1", T0, Ct);
        await store.SetRoundMetricsAsync(1, new Dictionary<string, double> { ["central_accuracy"] = 0.97 }, Ct);
        var task = IssuedTask("t1", 1, "c1", T0);
        await store.AddTaskAsync(task, Ct);
        await store.UpdateTaskStatusAsync("t1", TaskStatus.Completed, null, T0.AddSeconds(4), Ct);
        var result = new ResultRecord("t1", 1, "c1", TaskKind.Fit, 600, T0.AddSeconds(4), new Dictionary<string, double> { ["train_loss"] = 0.2 });
        await store.AddResultAsync(result, Ct);
        await store.FinishRoundAsync(1, RoundStatus.Completed, "model-2", null, T0.AddSeconds(5), Ct);
        var rejection = new RejectionRecord(null, 1, "c1", "duplicate", T0.AddSeconds(6));
        await store.AddRejectionAsync(rejection, Ct);
        await store.SaveModelAsync("model-2", new byte[] { 4, 5, 6 }, Ct);

        store = await ReopenAsync(store);

        Assert.Equal([Client("c1")], await store.GetClientsAsync(Ct));
        var round = Assert.Single(await store.GetRoundsAsync(Ct));
        Assert.Equal((RoundStatus.Completed, "model-1", "model-2", T0, (DateTimeOffset?)T0.AddSeconds(5)),
            (round.Status, round.InputModelHash, round.OutputModelHash, round.StartedAt, round.FinishedAt));
        Assert.Equal(0.97, round.Metrics["central_accuracy"]);
        Assert.Equal([task with { Status = TaskStatus.Completed, FinishedAt = T0.AddSeconds(4) }], await store.GetTasksAsync(1, Ct));
        AssertResult(result, Assert.Single(await store.GetResultsAsync(1, Ct)));
        Assert.Equal([rejection], await store.GetRejectionsAsync(Ct));
        Assert.Equal([4, 5, 6], await store.GetModelAsync("model-2", Ct));
    }

    [Fact]
    public async Task File_StoresEnumsAsNamesAndTimestampsAsUtcText()
    {
        var store = await OpenAsync();
        await store.StartRoundAsync(1, "m", T0, Ct);
        await store.FinishRoundAsync(1, RoundStatus.Failed, null, "too few", T0, Ct);
        await store.DisposeAsync();

        Assert.Equal("Failed", await QueryScalarAsync<string>("SELECT status FROM rounds;"));
        Assert.Equal("2025-03-04T03:06:07.8911234Z", await QueryScalarAsync<string>("SELECT started_at FROM rounds;"));
    }

    [Fact]
    public async Task StartRound_Twice_ThrowsNamingTheRound()
    {
        var store = await OpenAsync();
        await store.StartRoundAsync(4, "m", T0, Ct);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.StartRoundAsync(4, "other", T0.AddDays(1), Ct));

        Assert.Contains("Round 4", error.Message, StringComparison.Ordinal);
        Assert.Equal("m", (await store.GetRoundAsync(4, Ct))!.InputModelHash);
    }

    [Fact]
    public async Task UnknownRoundOrTask_Updates_ThrowNamingTheId()
    {
        var store = await OpenAsync();
        await store.UpsertClientAsync(Client("c1"), Ct);
        await store.StartRoundAsync(1, "m", T0, Ct);
        await store.FinishRoundAsync(1, RoundStatus.Completed, "m2", null, T0, Ct);

        var finishUnknown = await Assert.ThrowsAsync<InvalidOperationException>(() => store.FinishRoundAsync(99, RoundStatus.Completed, "x", null, T0, Ct));
        var finishTwice = await Assert.ThrowsAsync<InvalidOperationException>(() => store.FinishRoundAsync(1, RoundStatus.Failed, null, "x", T0, Ct));
        var metricsUnknown = await Assert.ThrowsAsync<InvalidOperationException>(() => store.SetRoundMetricsAsync(98, new Dictionary<string, double> { ["a"] = 1 }, Ct));
        var updateUnknown = await Assert.ThrowsAsync<InvalidOperationException>(() => store.UpdateTaskStatusAsync("task-x", TaskStatus.Completed, null, T0, Ct));
        var taskUnknownRound = await Assert.ThrowsAsync<InvalidOperationException>(() => store.AddTaskAsync(IssuedTask("t1", 97, "c1", T0), Ct));
        var taskUnknownClient = await Assert.ThrowsAsync<InvalidOperationException>(() => store.AddTaskAsync(IssuedTask("t2", 1, "ghost", T0), Ct));
        await store.AddTaskAsync(IssuedTask("t3", 1, "c1", T0), Ct);
        var taskTwice = await Assert.ThrowsAsync<InvalidOperationException>(() => store.AddTaskAsync(IssuedTask("t3", 1, "c1", T0.AddSeconds(1)), Ct));

        Assert.Contains("Round 99", finishUnknown.Message, StringComparison.Ordinal);
        Assert.Contains("Round 1", finishTwice.Message, StringComparison.Ordinal);
        Assert.Contains("round 98", metricsUnknown.Message, StringComparison.Ordinal);
        Assert.Contains("task-x", updateUnknown.Message, StringComparison.Ordinal);
        Assert.Contains("round 97", taskUnknownRound.Message, StringComparison.Ordinal);
        Assert.Contains("'ghost'", taskUnknownClient.Message, StringComparison.Ordinal);
        Assert.Contains("t3", taskTwice.Message, StringComparison.Ordinal);
        Assert.Equal(RoundStatus.Completed, (await store.GetRoundAsync(1, Ct))!.Status);
        Assert.Equal(["t3"], (await store.GetTasksAsync(1, Ct)).Select(t => t.TaskId));
    }

    [Fact]
    public async Task ConcurrentWriters_AllRowsLand()
    {
        const int writers = 8, perWriter = 50;
        var store = await OpenAsync();
        await store.StartRoundAsync(1, "m", T0, Ct);

        var work = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            string client = "client-" + w;
            await store.UpsertClientAsync(Client(client), Ct);
            for (int i = 0; i < perWriter; i++)
            {
                string taskId = $"t-{w}-{i}";
                await store.AddTaskAsync(IssuedTask(taskId, 1, client, T0.AddMilliseconds(i)), Ct);
                await store.AddResultAsync(new ResultRecord(taskId, 1, client, TaskKind.Fit, i, T0, new Dictionary<string, double> { ["w"] = w, ["i"] = i }), Ct);
                await store.AddRejectionAsync(new RejectionRecord(null, null, client, "r" + i, T0), Ct);
                await store.UpsertClientAsync(Client(client) with { LastSeenAt = T0.AddHours(i) }, Ct);
                _ = await store.GetTasksAsync(1, Ct);
            }
        }, Ct));
        await Task.WhenAll(work);

        var tasks = await store.GetTasksAsync(1, Ct);
        var results = await store.GetResultsAsync(1, Ct);
        Assert.Equal(writers * perWriter, tasks.Select(t => t.TaskId).Distinct().Count());
        Assert.Equal(writers * perWriter, results.Count);
        Assert.All(results, r => Assert.Equal($"t-{r.Metrics["w"]}-{r.Metrics["i"]}", r.TaskId));
        Assert.Equal(writers * perWriter, (await store.GetRejectionsAsync(Ct)).Count);
        var clients = await store.GetClientsAsync(Ct);
        Assert.Equal(writers, clients.Count);
        Assert.All(clients, c => Assert.Equal(T0.AddHours(perWriter - 1), c.LastSeenAt));
    }

    [Fact]
    public async Task Lifecycle_BeforeInitializeAndAfterDispose_Throw()
    {
        var store = new SqliteCoordinatorStore(DatabasePath);
        _stores.Add(store);

        var early = await Assert.ThrowsAsync<InvalidOperationException>(() => store.GetRoundsAsync(Ct));
        await store.InitializeAsync(Ct);
        await store.DisposeAsync();
        await store.DisposeAsync();

        Assert.Contains(nameof(ICoordinatorStore.InitializeAsync), early.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.GetRoundsAsync(Ct));
    }

    [Fact]
    public async Task Models_LargeModel_StreamedIntoTheLastColumnAndReadBackWithItsHash()
    {
        var architecture = ModelZoo.Cnn();
        var snapshot = new ModelSnapshot(2, architecture, ParameterInitializer.Initialize(architecture, seed: 5));
        var store = await OpenAsync();
        await store.SaveModelAsync(snapshot.ContentHash, ModelFile.ToBytes(snapshot), Ct);

        var read = ModelFile.Read((await store.GetModelAsync(snapshot.ContentHash, Ct))!, snapshot.ContentHash);
        Assert.Equal(snapshot.Parameters.Array, read.Parameters.Array);
        await store.DisposeAsync();
        // The bytes are the row's last column: SQLite then inserts the zeroblob() without building it.
        Assert.Equal(3L, await QueryScalarAsync<long>("SELECT cid FROM pragma_table_info('models') WHERE name = 'bytes';"));
    }

    [Fact]
    public async Task Migration3_ModelsOfAnOlderDatabase_AreKept()
    {
        byte[] bytes = new byte[100_003];
        new Random(7).NextBytes(bytes);
        // The models table as schema version 2 had it, with one model in it.
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE models (content_hash TEXT NOT NULL PRIMARY KEY, bytes BLOB NOT NULL, size INTEGER NOT NULL, created_at TEXT NOT NULL);
                INSERT INTO models VALUES ('old', $bytes, 100003, '2025-01-01T00:00:00.0000000Z');
                PRAGMA user_version = 2;
                """;
            command.Parameters.AddWithValue("$bytes", bytes);
            await command.ExecuteNonQueryAsync(Ct);
        }

        var store = await OpenAsync();
        await store.SaveModelAsync("new", bytes.AsMemory(3), Ct);

        Assert.Equal(bytes, await store.GetModelAsync("old", Ct));
        Assert.Equal(bytes[3..], await store.GetModelAsync("new", Ct));
        await store.DisposeAsync();
        Assert.Equal((long)SqliteSchema.LatestVersion, await QueryScalarAsync<long>("PRAGMA user_version;"));
        Assert.Equal(100_003L, await QueryScalarAsync<long>("SELECT size FROM models WHERE content_hash = 'old';"));
    }

    [Fact]
    public async Task Initialize_NewerSchemaVersion_Throws()
    {
        await (await OpenAsync()).DisposeAsync();
        await QueryScalarAsync<long>("PRAGMA user_version = 42; SELECT 0;");

        var store = new SqliteCoordinatorStore(DatabasePath);
        _stores.Add(store);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync(Ct));

        Assert.Contains("42", error.Message, StringComparison.Ordinal);
    }

    private static void AssertResult(ResultRecord expected, ResultRecord actual)
    {
        Assert.Equal((expected.TaskId, expected.Round, expected.ClientId, expected.Kind, expected.ExampleCount, expected.ReceivedAt),
            (actual.TaskId, actual.Round, actual.ClientId, actual.Kind, actual.ExampleCount, actual.ReceivedAt));
        Assert.Equal(expected.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal), actual.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal));
    }

    /// <summary>Reads the file directly, as the sqlite3 shell would.</summary>
    private async Task<T> QueryScalarAsync<T>(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }
}
