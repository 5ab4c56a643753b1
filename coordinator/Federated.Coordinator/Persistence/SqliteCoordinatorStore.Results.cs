using Microsoft.Data.Sqlite;

namespace Federated.Coordinator.Persistence;

public sealed partial class SqliteCoordinatorStore
{
    public Task AddResultAsync(ResultRecord result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(result.Metrics, nameof(result));
        return RunAsync(async (connection, ct) =>
        {
            using var transaction = connection.BeginTransaction();
            using (var task = connection.CreateCommand("SELECT round, client_id FROM tasks WHERE task_id = $id;", transaction).With("$id", result.TaskId))
            {
                var owners = await ReadAllAsync(task, reader => (Round: reader.GetInt64(0), ClientId: reader.GetString(1)), ct).ConfigureAwait(false);
                if (owners.Count == 0)
                    throw new InvalidOperationException($"Cannot add the result of task {result.TaskId}: no such task.");
                if (owners[0].Round != result.Round || owners[0].ClientId != result.ClientId)
                    throw new InvalidOperationException($"The result of task {result.TaskId} claims round {result.Round} and client '{result.ClientId}'; the task belongs to round {owners[0].Round} and client '{owners[0].ClientId}'.");
            }

            using (var insert = connection.CreateCommand("""
                INSERT INTO results (task_id, round, client_id, kind, example_count, received_at)
                VALUES ($id, $round, $client, $kind, $examples, $received)
                ON CONFLICT (task_id) DO NOTHING;
                """, transaction)
                .With("$id", result.TaskId)
                .With("$round", result.Round)
                .With("$client", result.ClientId)
                .With("$kind", SqliteValues.ToText(result.Kind))
                .With("$examples", result.ExampleCount)
                .With("$received", SqliteValues.ToText(result.ReceivedAt)))
            {
                if (await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
                    throw new InvalidOperationException($"Task {result.TaskId} already has a result.");
            }

            using (var metric = connection.CreateCommand("INSERT INTO result_metrics (task_id, name, value) VALUES ($id, $name, $value);", transaction))
            {
                metric.Parameters.AddWithValue("$id", result.TaskId);
                var name = metric.Parameters.Add("$name", SqliteType.Text);
                var value = metric.Parameters.Add("$value", SqliteType.Real);
                foreach (var (metricName, metricValue) in result.Metrics)
                {
                    name.Value = metricName;
                    value.Value = SqliteValues.ToMetricValue(metricValue);
                    await metric.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
            }
            transaction.Commit();
        }, cancellationToken);
    }

    public Task<IReadOnlyList<ResultRecord>> GetResultsAsync(long round, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<ResultRecord>>(async (connection, ct) =>
        {
            using var command = connection.CreateCommand("""
                SELECT task_id, round, client_id, kind, example_count, received_at
                FROM results WHERE round = $round ORDER BY received_at, rowid;
                """).With("$round", round);
            var rows = await ReadAllAsync(command, reader => (
                TaskId: reader.GetString(0),
                Round: reader.GetInt64(1),
                ClientId: reader.GetString(2),
                Kind: reader.GetEnum<TaskKind>(3),
                Examples: reader.GetInt64(4),
                Received: reader.GetTimestamp(5)), ct).ConfigureAwait(false);

            var metrics = rows.ToDictionary(row => row.TaskId, _ => new Dictionary<string, double>(StringComparer.Ordinal), StringComparer.Ordinal);
            using (var metricsCommand = connection.CreateCommand("""
                SELECT m.task_id, m.name, m.value FROM result_metrics AS m JOIN results AS r ON r.task_id = m.task_id WHERE r.round = $round;
                """).With("$round", round))
            using (var reader = await metricsCommand.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    metrics[reader.GetString(0)][reader.GetString(1)] = reader.GetMetricValue(2);
            }
            return rows.ConvertAll(row => new ResultRecord(row.TaskId, row.Round, row.ClientId, row.Kind, row.Examples, row.Received, metrics[row.TaskId]));
        }, cancellationToken);

    public Task AddRejectionAsync(RejectionRecord rejection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return RunAsync(async (connection, ct) =>
        {
            using var insert = connection.CreateCommand("""
                INSERT INTO rejections (task_id, round, client_id, reason, rejected_at) VALUES ($task, $round, $client, $reason, $at);
                """)
                .With("$task", rejection.TaskId)
                .With("$round", rejection.Round)
                .With("$client", rejection.ClientId)
                .With("$reason", rejection.Reason)
                .With("$at", SqliteValues.ToText(rejection.RejectedAt));
            await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<RejectionRecord>> GetRejectionsAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<RejectionRecord>>(async (connection, ct) =>
        {
            using var command = connection.CreateCommand("SELECT task_id, round, client_id, reason, rejected_at FROM rejections ORDER BY rejected_at, id;");
            return await ReadAllAsync(command, reader => new RejectionRecord(
                reader.GetNullableString(0), reader.GetNullableInt64(1), reader.GetString(2), reader.GetString(3), reader.GetTimestamp(4)), ct).ConfigureAwait(false);
        }, cancellationToken);
}
