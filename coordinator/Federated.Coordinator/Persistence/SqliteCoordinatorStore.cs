using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Federated.Coordinator.Persistence;

/// <summary>
/// <see cref="ICoordinatorStore"/> on one SQLite file (WAL journal, foreign keys on).
/// Rounds live in <c>SqliteCoordinatorStore.Rounds.cs</c>, tasks, results and rejections in
/// <c>SqliteCoordinatorStore.Tasks.cs</c>, the schema in <see cref="SqliteSchema"/>.
/// </summary>
/// <remarks>
/// Concurrency: the store holds ONE open connection and lets one caller at a time use it, through
/// a <see cref="SemaphoreSlim"/>. A coordinator writes a few rows per client message, which SQLite
/// does in microseconds, so serialising costs little; in exchange no two callers ever race for
/// SQLite's write lock (a pool of connections in WAL mode can fail with SQLITE_BUSY when two
/// read transactions both try to write, which busy_timeout does not cure), a check-then-write such
/// as "does this round exist, then insert" is atomic within the process, and closing the store
/// really closes the file. busy_timeout still covers other processes opening the same file.
/// </remarks>
public sealed partial class SqliteCoordinatorStore : ICoordinatorStore
{
    private readonly SqliteStoreOptions _options;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _connection;
    private int _disposed;

    public SqliteCoordinatorStore(string databasePath)
        : this(new SqliteStoreOptions { DatabasePath = databasePath })
    {
    }

    public SqliteCoordinatorStore(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = new SqliteStoreOptions { DatabasePath = Path.GetFullPath(options.DatabasePath), BusyTimeout = options.BusyTimeout };
        if (Path.GetDirectoryName(_options.DatabasePath) is { Length: > 0 } directory)
            Directory.CreateDirectory(directory);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _options.DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            // One long-lived connection: a pool would only keep the file open after DisposeAsync.
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(_options.BusyTimeout.TotalSeconds),
        }.ToString();
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath => _options.DatabasePath;

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            if (_connection is not null)
                return;
            var connection = new SqliteConnection(_connectionString);
            try
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                await ConfigureAsync(connection, cancellationToken).ConfigureAwait(false);
                await SqliteSchema.MigrateAsync(connection, _options.DatabasePath, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            _connection = connection;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ConfigureAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        int busyMilliseconds = (int)_options.BusyTimeout.TotalMilliseconds;
        // PRAGMA takes no parameters; the value is an int this class formatted, not caller text.
        using (var busy = connection.CreateCommand("PRAGMA busy_timeout = " + busyMilliseconds.ToString(CultureInfo.InvariantCulture) + ";"))
            await busy.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

        using (var wal = connection.CreateCommand("PRAGMA journal_mode = WAL;"))
        {
            string? mode = (string?)await wal.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"SQLite refused WAL journal mode for '{_options.DatabasePath}' (it kept '{mode}').");
        }

        // In WAL mode NORMAL never corrupts the file; a power cut may lose the last commits, not reorder them.
        using (var synchronous = connection.CreateCommand("PRAGMA synchronous = NORMAL;"))
            await synchronous.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task UpsertClientAsync(ClientRecord client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return RunAsync(async (connection, ct) =>
        {
            const string sql = """
                INSERT INTO clients (client_id, name, joined_at, last_seen_at)
                VALUES ($id, $name, $joined, $seen)
                ON CONFLICT (client_id) DO UPDATE SET name = excluded.name, last_seen_at = excluded.last_seen_at;
                """;
            using var command = connection.CreateCommand(sql)
                .With("$id", client.ClientId)
                .With("$name", client.Name)
                .With("$joined", SqliteValues.ToText(client.JoinedAt))
                .With("$seen", SqliteValues.ToText(client.LastSeenAt));
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<ClientRecord?> GetClientAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        return RunAsync(async (connection, ct) =>
        {
            using var command = connection.CreateCommand("SELECT client_id, name, joined_at, last_seen_at FROM clients WHERE client_id = $id;")
                .With("$id", clientId);
            var clients = await ReadAllAsync(command, ReadClient, ct).ConfigureAwait(false);
            return clients.Count == 0 ? null : clients[0];
        }, cancellationToken);
    }

    public Task<IReadOnlyList<ClientRecord>> GetClientsAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<ClientRecord>>(async (connection, ct) =>
        {
            using var command = connection.CreateCommand("SELECT client_id, name, joined_at, last_seen_at FROM clients ORDER BY joined_at, client_id;");
            return await ReadAllAsync(command, ReadClient, ct).ConfigureAwait(false);
        }, cancellationToken);

    private static ClientRecord ReadClient(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetTimestamp(2), reader.GetTimestamp(3));

    public Task SaveModelAsync(string contentHash, ReadOnlyMemory<byte> modelFile, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contentHash);
        return RunAsync(async (connection, ct) =>
        {
            // The row is made with a zero blob (the last column, so SQLite keeps it virtual) and the bytes
            // are streamed into it page by page: binding them as a parameter would have SQLite copy the
            // whole model twice in native memory (the bound value, then the row built from it).
            using var transaction = connection.BeginTransaction();
            long rowId;
            using (var insert = connection.CreateCommand("""
                INSERT INTO models (content_hash, size, created_at, bytes) VALUES ($hash, $size, $created, zeroblob($size))
                ON CONFLICT (content_hash) DO NOTHING
                RETURNING rowid;
                """, transaction)
                .With("$hash", contentHash)
                .With("$size", (long)modelFile.Length)
                .With("$created", SqliteValues.ToText(DateTimeOffset.UtcNow)))
            {
                // No row back: the model is already there (the common case of a round re-saving its input).
                if (await insert.ExecuteScalarAsync(ct).ConfigureAwait(false) is not long inserted)
                    return;
                rowId = inserted;
            }
            using (var blob = new SqliteBlob(connection, "models", "bytes", rowId))
                blob.Write(modelFile.Span);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<byte[]?> GetModelAsync(string contentHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contentHash);
        return RunAsync(async (connection, ct) =>
        {
            using var command = connection.CreateCommand("SELECT bytes FROM models WHERE content_hash = $hash;").With("$hash", contentHash);
            var models = await ReadAllAsync(command, reader => reader.GetFieldValue<byte[]>(0), ct).ConfigureAwait(false);
            return models.Count == 0 ? null : models[0];
        }, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        // Wait for the caller inside, if any; callers still queued see _disposed once they get in.
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_connection is not null)
                await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RunAsync(Func<SqliteConnection, CancellationToken, Task> work, CancellationToken cancellationToken) =>
        await RunAsync<bool>(async (connection, ct) =>
        {
            await work(connection, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>Runs <paramref name="work"/> with the connection to itself (see the remarks on the class).</summary>
    private async Task<T> RunAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            var connection = _connection ?? throw new InvalidOperationException($"Call {nameof(InitializeAsync)} before using the store at '{_options.DatabasePath}'.");
            return await work(connection, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static async Task<List<T>> ReadAllAsync<T>(SqliteCommand command, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            rows.Add(read(reader));
        return rows;
    }

    private static async Task<long> ScalarInt64Async(SqliteCommand command, CancellationToken cancellationToken) =>
        (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
}
