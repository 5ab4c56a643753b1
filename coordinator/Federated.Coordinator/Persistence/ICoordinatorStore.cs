namespace Federated.Coordinator.Persistence;

/// <summary>
/// Everything a coordinator must not forget: the client registry, rounds, tasks, result
/// metadata and metrics, rejections, and model checkpoints addressed by content hash.
/// Implementations are safe to call from many threads at once.
/// </summary>
public interface ICoordinatorStore : IAsyncDisposable
{
    /// <summary>Creates or migrates the schema. Call once before anything else.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Inserts the client, or updates its name and last-seen time (JoinedAt of an existing client is kept).</summary>
    Task UpsertClientAsync(ClientRecord client, CancellationToken cancellationToken = default);

    Task<ClientRecord?> GetClientAsync(string clientId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ClientRecord>> GetClientsAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a model file under its content hash; storing the same hash twice is a no-op.</summary>
    Task SaveModelAsync(string contentHash, ReadOnlyMemory<byte> modelFile, CancellationToken cancellationToken = default);

    /// <summary>The model file stored under <paramref name="contentHash"/>, or null.</summary>
    Task<byte[]?> GetModelAsync(string contentHash, CancellationToken cancellationToken = default);

    /// <summary>Stores the strategy's state after <paramref name="round"/> (overwrites an earlier save for that round).</summary>
    Task SaveStrategyStateAsync(long round, string strategy, ReadOnlyMemory<byte> state, CancellationToken cancellationToken = default);

    /// <summary>The strategy state saved after <paramref name="round"/>, or null.</summary>
    Task<(string Strategy, byte[] State)?> GetStrategyStateAsync(long round, CancellationToken cancellationToken = default);

    /// <summary>Records a round as running. A round number can start only once.</summary>
    Task StartRoundAsync(long round, string inputModelHash, DateTimeOffset startedAt, CancellationToken cancellationToken = default);

    /// <summary>Marks the round finished (Completed with its output model, or Failed with a reason).</summary>
    Task FinishRoundAsync(long round, RoundStatus status, string? outputModelHash, string? failureReason, DateTimeOffset finishedAt, CancellationToken cancellationToken = default);

    /// <summary>Adds or overwrites named metrics of a round (e.g. <c>central_accuracy</c>).</summary>
    Task SetRoundMetricsAsync(long round, IReadOnlyDictionary<string, double> metrics, CancellationToken cancellationToken = default);

    Task<RoundRecord?> GetRoundAsync(long round, CancellationToken cancellationToken = default);

    /// <summary>All rounds in ascending order.</summary>
    Task<IReadOnlyList<RoundRecord>> GetRoundsAsync(CancellationToken cancellationToken = default);

    Task AddTaskAsync(TaskRecord task, CancellationToken cancellationToken = default);

    Task UpdateTaskStatusAsync(string taskId, TaskStatus status, string? reason, DateTimeOffset finishedAt, CancellationToken cancellationToken = default);

    Task<TaskRecord?> GetTaskAsync(string taskId, CancellationToken cancellationToken = default);

    /// <summary>The round's tasks in the order they were issued.</summary>
    Task<IReadOnlyList<TaskRecord>> GetTasksAsync(long round, CancellationToken cancellationToken = default);

    Task AddResultAsync(ResultRecord result, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ResultRecord>> GetResultsAsync(long round, CancellationToken cancellationToken = default);

    Task AddRejectionAsync(RejectionRecord rejection, CancellationToken cancellationToken = default);

    /// <summary>All rejections, oldest first.</summary>
    Task<IReadOnlyList<RejectionRecord>> GetRejectionsAsync(CancellationToken cancellationToken = default);
}
