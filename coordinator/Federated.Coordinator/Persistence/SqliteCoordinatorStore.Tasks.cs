using Microsoft.Data.Sqlite;

namespace Federated.Coordinator.Persistence;

public sealed partial class SqliteCoordinatorStore
{
    public Task AddTaskAsync(TaskRecord task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        return RunAsync(async (connection, ct) =>
        {
            // Checked here, not left to the foreign keys, so the error names what is missing.
            if (await ReadRoundStatusAsync(connection, task.Round, ct).ConfigureAwait(false) is null)
                throw new InvalidOperationException($"Cannot add task {task.TaskId}: round {task.Round} was never started.");
            using (var client = connection.CreateCommand("SELECT EXISTS (SELECT 1 FROM clients WHERE client_id = $id);").With("$id", task.ClientId))
            {
                if (await ScalarInt64Async(client, ct).ConfigureAwait(false) == 0)
                    throw new InvalidOperationException($"Cannot add task {task.TaskId}: client '{task.ClientId}' is not registered.");
            }

            using var insert = connection.CreateCommand("""
                INSERT INTO tasks (task_id, round, client_id, kind, model_hash, issued_at, deadline, status, finished_at, reason)
                VALUES ($id, $round, $client, $kind, $model, $issued, $deadline, $status, $finished, $reason)
                ON CONFLICT (task_id) DO NOTHING;
                """)
                .With("$id", task.TaskId)
                .With("$round", task.Round)
                .With("$client", task.ClientId)
                .With("$kind", SqliteValues.ToText(task.Kind))
                .With("$model", task.ModelHash)
                .With("$issued", SqliteValues.ToText(task.IssuedAt))
                .With("$deadline", SqliteValues.ToText(task.Deadline))
                .With("$status", SqliteValues.ToText(task.Status))
                .With("$finished", SqliteValues.ToText(task.FinishedAt))
                .With("$reason", task.Reason);
            if (await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
                throw new InvalidOperationException($"Task {task.TaskId} already exists; task ids are unique.");
        }, cancellationToken);
    }

    public Task UpdateTaskStatusAsync(string taskId, TaskStatus status, string? reason, DateTimeOffset finishedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        return RunAsync(async (connection, ct) =>
        {
            using var update = connection.CreateCommand("UPDATE tasks SET status = $status, reason = $reason, finished_at = $finished WHERE task_id = $id;")
                .With("$id", taskId)
                .With("$status", SqliteValues.ToText(status))
                .With("$reason", reason)
                .With("$finished", SqliteValues.ToText(finishedAt));
            if (await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
                throw new InvalidOperationException($"Cannot update task {taskId}: no such task.");
        }, cancellationToken);
    }

    public Task<TaskRecord?> GetTaskAsync(string taskId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        return RunAsync(async (connection, ct) =>
        {
            using var command = connection.CreateCommand("""
                SELECT task_id, round, client_id, kind, model_hash, issued_at, deadline, status, finished_at, reason
                FROM tasks WHERE task_id = $id;
                """).With("$id", taskId);
            var tasks = await ReadAllAsync(command, ReadTask, ct).ConfigureAwait(false);
            return tasks.Count == 0 ? null : tasks[0];
        }, cancellationToken);
    }

    public Task<IReadOnlyList<TaskRecord>> GetTasksAsync(long round, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<TaskRecord>>(async (connection, ct) =>
        {
            // rowid breaks ties between tasks issued in the same tick: insertion order.
            using var command = connection.CreateCommand("""
                SELECT task_id, round, client_id, kind, model_hash, issued_at, deadline, status, finished_at, reason
                FROM tasks WHERE round = $round ORDER BY issued_at, rowid;
                """).With("$round", round);
            return await ReadAllAsync(command, ReadTask, ct).ConfigureAwait(false);
        }, cancellationToken);

    private static TaskRecord ReadTask(SqliteDataReader reader) => new(
        TaskId: reader.GetString(0),
        Round: reader.GetInt64(1),
        ClientId: reader.GetString(2),
        Kind: reader.GetEnum<TaskKind>(3),
        ModelHash: reader.GetString(4),
        IssuedAt: reader.GetTimestamp(5),
        Deadline: reader.GetTimestamp(6),
        Status: reader.GetEnum<TaskStatus>(7),
        FinishedAt: reader.GetNullableTimestamp(8),
        Reason: reader.GetNullableString(9));
}
