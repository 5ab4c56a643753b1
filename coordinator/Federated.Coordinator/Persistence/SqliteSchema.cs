using Microsoft.Data.Sqlite;

namespace Federated.Coordinator.Persistence;

/// <summary>
/// The coordinator database's schema as a list of migrations. <c>PRAGMA user_version</c> holds how
/// many have been applied; migration <c>n</c> (1-based) takes the database from version n−1 to n
/// and sets the version itself, inside the same transaction. Append new migrations; never edit one
/// that has shipped.
/// </summary>
/// <remarks>
/// Timestamps are ISO-8601 UTC text with 100 ns precision and enums are their names, so the file
/// reads well in the <c>sqlite3</c> shell (see <see cref="SqliteValues"/>).
/// A metric value of NULL stands for NaN, which SQLite cannot store as a REAL.
/// </remarks>
internal static class SqliteSchema
{
    private const string Version1 = """
        CREATE TABLE IF NOT EXISTS clients (
            client_id    TEXT NOT NULL PRIMARY KEY,
            name         TEXT NOT NULL,
            joined_at    TEXT NOT NULL,
            last_seen_at TEXT NOT NULL
        );

        CREATE TABLE IF NOT EXISTS models (
            content_hash TEXT    NOT NULL PRIMARY KEY,
            bytes        BLOB    NOT NULL,
            size         INTEGER NOT NULL,
            created_at   TEXT    NOT NULL
        );

        CREATE TABLE IF NOT EXISTS rounds (
            round             INTEGER NOT NULL PRIMARY KEY,
            status            TEXT    NOT NULL,
            input_model_hash  TEXT    NOT NULL,
            output_model_hash TEXT,
            started_at        TEXT    NOT NULL,
            finished_at       TEXT,
            failure_reason    TEXT
        );

        CREATE TABLE IF NOT EXISTS round_metrics (
            round INTEGER NOT NULL REFERENCES rounds (round),
            name  TEXT    NOT NULL,
            value REAL,
            PRIMARY KEY (round, name)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS tasks (
            task_id     TEXT    NOT NULL PRIMARY KEY,
            round       INTEGER NOT NULL REFERENCES rounds (round),
            client_id   TEXT    NOT NULL REFERENCES clients (client_id),
            kind        TEXT    NOT NULL,
            model_hash  TEXT    NOT NULL,
            issued_at   TEXT    NOT NULL,
            deadline    TEXT    NOT NULL,
            status      TEXT    NOT NULL,
            finished_at TEXT,
            reason      TEXT
        );
        CREATE INDEX IF NOT EXISTS tasks_by_round ON tasks (round, issued_at);

        CREATE TABLE IF NOT EXISTS results (
            task_id       TEXT    NOT NULL PRIMARY KEY REFERENCES tasks (task_id),
            round         INTEGER NOT NULL REFERENCES rounds (round),
            client_id     TEXT    NOT NULL,
            kind          TEXT    NOT NULL,
            example_count INTEGER NOT NULL,
            received_at   TEXT    NOT NULL
        );
        CREATE INDEX IF NOT EXISTS results_by_round ON results (round, received_at);

        CREATE TABLE IF NOT EXISTS result_metrics (
            task_id TEXT NOT NULL REFERENCES results (task_id),
            name    TEXT NOT NULL,
            value   REAL,
            PRIMARY KEY (task_id, name)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS rejections (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            task_id     TEXT,
            round       INTEGER,
            client_id   TEXT NOT NULL,
            reason      TEXT NOT NULL,
            rejected_at TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS rejections_by_round ON rejections (round);

        PRAGMA user_version = 1;
        """;

    /// <summary>Version 2: the strategy's state (server optimizer moments) after each finished round.</summary>
    private const string Version2 = """
        CREATE TABLE IF NOT EXISTS strategy_state (
            round       INTEGER PRIMARY KEY REFERENCES rounds (round),
            strategy    TEXT NOT NULL,
            state       BLOB NOT NULL,
            saved_at    TEXT NOT NULL
        );

        PRAGMA user_version = 2;
        """;

    /// <summary>
    /// Version 3: a model's bytes move to the last column. SQLite writes a trailing zeroblob() without
    /// materializing it, so a checkpoint can be inserted empty and streamed in page by page; anywhere
    /// else in the row the zeros, then the row, are built in native memory, twice the model per save.
    /// </summary>
    private const string Version3 = """
        CREATE TABLE models_v3 (
            content_hash TEXT    NOT NULL PRIMARY KEY,
            size         INTEGER NOT NULL,
            created_at   TEXT    NOT NULL,
            bytes        BLOB    NOT NULL
        );
        INSERT INTO models_v3 (content_hash, size, created_at, bytes)
            SELECT content_hash, size, created_at, bytes FROM models;
        DROP TABLE models;
        ALTER TABLE models_v3 RENAME TO models;

        PRAGMA user_version = 3;
        """;

    private static readonly string[] Migrations = [Version1, Version2, Version3];

    /// <summary>The schema version this build writes.</summary>
    public static int LatestVersion => Migrations.Length;

    /// <summary>Brings the database up to <see cref="LatestVersion"/>; a no-op when it is there already.</summary>
    public static async Task MigrateAsync(SqliteConnection connection, string databasePath, CancellationToken cancellationToken)
    {
        while (true)
        {
            // BEGIN IMMEDIATE (the default here): a second process migrating the same file waits, then sees the new version.
            using var transaction = connection.BeginTransaction();
            long version = await ReadVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            if (version > LatestVersion)
                throw new InvalidOperationException($"The database '{databasePath}' has schema version {version}; this build knows versions up to {LatestVersion}. Use a newer coordinator.");
            if (version == LatestVersion)
                return;

            using var command = connection.CreateCommand(Migrations[version], transaction);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (await ReadVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false) != version + 1)
                throw new InvalidOperationException($"Schema migration {version + 1} did not set user_version to {version + 1}.");
            transaction.Commit();
        }
    }

    public static async Task<long> ReadVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand("PRAGMA user_version;", transaction);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
