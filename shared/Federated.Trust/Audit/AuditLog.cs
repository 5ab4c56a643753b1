using System.Globalization;
using System.Text.Json;

namespace Federated.Trust.Audit;

/// <summary>
/// An append-only audit log: one JSON object per line (<c>seq</c>, <c>time</c>, <c>event</c>,
/// <c>data</c>, <c>prev</c>, <c>hash</c>), each hash-chained to the line before (see
/// <see cref="AuditLine"/>) and flushed to disk before <see cref="Append"/> returns, so a crash loses
/// at most the entry being written. Opening an existing log verifies its chain first and refuses to
/// extend a broken one. Thread-safe.
/// </summary>
public sealed class AuditLog : IDisposable
{
    private readonly FileStream _file;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly MemoryStream _body = new();
    private long _sequence;
    private string _head;
    private bool _disposed;

    private AuditLog(FileStream file, TimeProvider time, long sequence, string head)
    {
        _file = file;
        _time = time;
        _sequence = sequence;
        _head = head;
    }

    public string Path => _file.Name;

    /// <summary>Entries in the log, including those it held when opened.</summary>
    public long Count
    {
        get { lock (_gate) return _sequence; }
    }

    /// <summary>The hash of the last line: worth recording elsewhere, since a log cut short after its last good line still verifies.</summary>
    public string HeadHash
    {
        get { lock (_gate) return _head; }
    }

    /// <summary>Opens (or creates) the log at <paramref name="path"/>, continuing its chain; throws <see cref="InvalidDataException"/> when the existing chain is broken.</summary>
    public static AuditLog Open(string path, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string? directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        // Other processes may read (verify) the log while it is written, never write it.
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            var existing = AuditLogVerifier.Verify(file, path);
            if (!existing.Valid)
                throw new InvalidDataException($"The audit log '{path}' is broken at line {existing.FirstBadLine}: {existing.Reason}. Keep it as evidence and start a new log file.");
            file.Seek(0, SeekOrigin.End);
            return new AuditLog(file, time ?? TimeProvider.System, existing.Entries, existing.HeadHash);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Appends one entry and flushes it to disk. <paramref name="data"/> values are strings; null values are written as JSON null.</summary>
    public void Append(string eventName, params ReadOnlySpan<(string Name, string? Value)> data)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _body.SetLength(0);
            using (var writer = new Utf8JsonWriter(_body))
            {
                writer.WriteStartObject();
                writer.WriteNumber("seq", _sequence + 1);
                writer.WriteString("time", _time.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                writer.WriteString("event", eventName);
                writer.WriteStartObject("data");
                foreach (var (name, value) in data)
                {
                    if (value is null) writer.WriteNull(name);
                    else writer.WriteString(name, value);
                }
                writer.WriteEndObject();
                writer.WriteString("prev", _head);
                writer.WriteEndObject();
            }
            byte[] line = AuditLine.Seal(_body.GetBuffer().AsSpan(0, (int)_body.Length), out string hash);
            _file.Write(line);
            _file.WriteByte((byte)'\n');
            _file.Flush(flushToDisk: true);
            _sequence++;
            _head = hash;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _file.Dispose();
            _body.Dispose();
        }
    }
}
