using Microsoft.Data.Sqlite;

namespace Federated.Coordinator.Persistence;

public sealed partial class SqliteCoordinatorStore
{
    public Task StartRoundAsync(long round, string inputModelHash, DateTimeOffset startedAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(inputModelHash);
        return RunAsync(async (connection, ct) =>
        {
            using var insert = connection.CreateCommand("""
                INSERT INTO rounds (round, status, input_model_hash, started_at) VALUES ($round, $status, $input, $started)
                ON CONFLICT (round) DO NOTHING;
                """)
                .With("$round", round)
                .With("$status", SqliteValues.ToText(RoundStatus.Running))
                .With("$input", inputModelHash)
                .With("$started", SqliteValues.ToText(startedAt));
            if (await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
            {
                var existing = await ReadRoundStatusAsync(connection, round, ct).ConfigureAwait(false);
                throw new InvalidOperationException($"Round {round} has already started (it is {existing}); a round number can start only once.");
            }
        }, cancellationToken);
    }

    public Task FinishRoundAsync(long round, RoundStatus status, string? outputModelHash, string? failureReason, DateTimeOffset finishedAt, CancellationToken cancellationToken = default)
    {
        if (status == RoundStatus.Running || !Enum.IsDefined(status))
            throw new ArgumentOutOfRangeException(nameof(status), status, $"A round finishes as {RoundStatus.Completed} or {RoundStatus.Failed}.");
        return RunAsync(async (connection, ct) =>
        {
            using var update = connection.CreateCommand("""
                UPDATE rounds SET status = $status, output_model_hash = $output, failure_reason = $reason, finished_at = $finished
                WHERE round = $round AND status = $running;
                """)
                .With("$round", round)
                .With("$status", SqliteValues.ToText(status))
                .With("$output", outputModelHash)
                .With("$reason", failureReason)
                .With("$finished", SqliteValues.ToText(finishedAt))
                .With("$running", SqliteValues.ToText(RoundStatus.Running));
            if (await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
            {
                var existing = await ReadRoundStatusAsync(connection, round, ct).ConfigureAwait(false);
                throw new InvalidOperationException(existing is null
                    ? $"Round {round} cannot finish: it was never started."
                    : $"Round {round} cannot finish: it has already finished ({existing}).");
            }
        }, cancellationToken);
    }

    public Task SetRoundMetricsAsync(long round, IReadOnlyDictionary<string, double> metrics, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return RunAsync(async (connection, ct) =>
        {
            if (await ReadRoundStatusAsync(connection, round, ct).ConfigureAwait(false) is null)
                throw new InvalidOperationException($"Cannot set metrics of round {round}: it was never started.");
            using var transaction = connection.BeginTransaction();
            using var upsert = connection.CreateCommand("""
                INSERT INTO round_metrics (round, name, value) VALUES ($round, $name, $value)
                ON CONFLICT (round, name) DO UPDATE SET value = excluded.value;
                """, transaction);
            var roundParameter = upsert.Parameters.AddWithValue("$round", round);
            var name = upsert.Parameters.Add("$name", SqliteType.Text);
            var value = upsert.Parameters.Add("$value", SqliteType.Real);
            foreach (var (metric, metricValue) in metrics)
            {
                name.Value = metric;
                value.Value = SqliteValues.ToMetricValue(metricValue);
                await upsert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            transaction.Commit();
        }, cancellationToken);
    }

    public Task<RoundRecord?> GetRoundAsync(long round, CancellationToken cancellationToken = default) =>
        RunAsync(async (connection, ct) =>
        {
            var rounds = await ReadRoundsAsync(connection, round, ct).ConfigureAwait(false);
            return rounds.Count == 0 ? null : rounds[0];
        }, cancellationToken);

    public Task<IReadOnlyList<RoundRecord>> GetRoundsAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<RoundRecord>>(async (connection, ct) => await ReadRoundsAsync(connection, null, ct).ConfigureAwait(false), cancellationToken);

    /// <summary>Round <paramref name="round"/>, or all rounds when it is null, ascending, with their metrics.</summary>
    private static async Task<List<RoundRecord>> ReadRoundsAsync(SqliteConnection connection, long? round, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand("""
            SELECT round, status, input_model_hash, output_model_hash, started_at, finished_at, failure_reason
            FROM rounds WHERE $round IS NULL OR round = $round ORDER BY round;
            """).With("$round", round);
        var rows = await ReadAllAsync(command, reader => (
            Round: reader.GetInt64(0),
            Status: reader.GetEnum<RoundStatus>(1),
            Input: reader.GetString(2),
            Output: reader.GetNullableString(3),
            Started: reader.GetTimestamp(4),
            Finished: reader.GetNullableTimestamp(5),
            Reason: reader.GetNullableString(6)), cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0)
            return [];

        var metrics = rows.ToDictionary(row => row.Round, _ => new Dictionary<string, double>(StringComparer.Ordinal));
        using (var metricsCommand = connection.CreateCommand("SELECT round, name, value FROM round_metrics WHERE $round IS NULL OR round = $round;").With("$round", round))
        using (var reader = await metricsCommand.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                metrics[reader.GetInt64(0)][reader.GetString(1)] = reader.GetMetricValue(2);
        }
        return rows.ConvertAll(row => new RoundRecord(row.Round, row.Status, row.Input, row.Output, row.Started, row.Finished, row.Reason, metrics[row.Round]));
    }

    private static async Task<RoundStatus?> ReadRoundStatusAsync(SqliteConnection connection, long round, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand("SELECT status FROM rounds WHERE round = $round;").With("$round", round);
        var statuses = await ReadAllAsync(command, reader => reader.GetEnum<RoundStatus>(0), cancellationToken).ConfigureAwait(false);
        return statuses.Count == 0 ? null : statuses[0];
    }
}
