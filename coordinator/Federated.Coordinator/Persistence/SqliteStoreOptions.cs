namespace Federated.Coordinator.Persistence;

/// <summary>Where and how <see cref="SqliteCoordinatorStore"/> keeps its database.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The database file; its directory is created if missing. SQLite keeps <c>-wal</c> and <c>-shm</c> files beside it.</summary>
    public string DatabasePath { get; set; } = "federated.db";

    /// <summary>How long a statement waits for a lock held by another connection (another process on the same file) before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(DatabasePath))
            throw new ArgumentException($"{nameof(DatabasePath)} must name a file.", nameof(DatabasePath));
        if (DatabasePath.Trim() == ":memory:" || DatabasePath.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{nameof(DatabasePath)} must be a plain file path, not '{DatabasePath}'.", nameof(DatabasePath));
        // Positive: Microsoft.Data.Sqlite reads a command timeout of 0 as "wait forever".
        if (BusyTimeout <= TimeSpan.Zero || BusyTimeout > TimeSpan.FromSeconds(int.MaxValue / 1000))
            throw new ArgumentException($"{nameof(BusyTimeout)} must be positive and at most {int.MaxValue / 1000} seconds, not {BusyTimeout}.", nameof(BusyTimeout));
    }
}
