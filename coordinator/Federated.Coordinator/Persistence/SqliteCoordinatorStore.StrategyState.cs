namespace Federated.Coordinator.Persistence;

public sealed partial class SqliteCoordinatorStore
{
    public Task SaveStrategyStateAsync(long round, string strategy, ReadOnlyMemory<byte> state, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(strategy);
        byte[] bytes = state.ToArray();
        return RunAsync(async (connection, ct) =>
        {
            using var command = connection.CreateCommand("""
                INSERT INTO strategy_state (round, strategy, state, saved_at) VALUES ($round, $strategy, $state, $saved)
                ON CONFLICT (round) DO UPDATE SET strategy = excluded.strategy, state = excluded.state, saved_at = excluded.saved_at;
                """)
                .With("$round", round)
                .With("$strategy", strategy)
                .With("$state", bytes)
                .With("$saved", SqliteValues.ToText(DateTimeOffset.UtcNow));
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<(string Strategy, byte[] State)?> GetStrategyStateAsync(long round, CancellationToken cancellationToken = default) =>
        RunAsync(async (connection, ct) =>
        {
            using var command = connection.CreateCommand("SELECT strategy, state FROM strategy_state WHERE round = $round;").With("$round", round);
            var rows = await ReadAllAsync(command, reader => (reader.GetString(0), reader.GetFieldValue<byte[]>(1)), ct).ConfigureAwait(false);
            return rows.Count == 0 ? ((string, byte[])?)null : rows[0];
        }, cancellationToken);
}
