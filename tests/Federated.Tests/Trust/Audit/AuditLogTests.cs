using System.Text;
using System.Text.Json;
using Federated.Trust.Audit;

namespace Federated.Tests.Trust.Audit;

public sealed class AuditLogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("audit-").FullName;

    private string PathOf(string name) => Path.Combine(_directory, name);

    private string WriteLog(int entries)
    {
        string path = PathOf("audit.jsonl");
        using var log = AuditLog.Open(path);
        for (int i = 1; i <= entries; i++) log.Append("update-received", ("client", $"site-{i}"), ("hash", new string('a', 64)), ("note", null));
        return path;
    }

    [Fact]
    public void Written_log_verifies_and_chains_every_line()
    {
        string path = WriteLog(5);
        var result = AuditLogVerifier.Verify(path);
        Assert.True(result.Valid, result.Reason);
        Assert.Equal(5, result.Entries);

        string[] lines = File.ReadAllLines(path);
        Assert.Equal(5, lines.Length);
        string previous = new('0', 64);
        for (int i = 0; i < lines.Length; i++)
        {
            using var line = JsonDocument.Parse(lines[i]);
            Assert.Equal(i + 1, line.RootElement.GetProperty("seq").GetInt64());
            Assert.Equal("update-received", line.RootElement.GetProperty("event").GetString());
            Assert.Equal($"site-{i + 1}", line.RootElement.GetProperty("data").GetProperty("client").GetString());
            Assert.Equal(previous, line.RootElement.GetProperty("prev").GetString());
            previous = line.RootElement.GetProperty("hash").GetString()!;
        }
        Assert.Equal(previous, result.HeadHash);
    }

    [Fact]
    public void Edited_line_is_reported_with_its_number()
    {
        string path = WriteLog(4);
        string[] lines = File.ReadAllLines(path);
        lines[2] = lines[2].Replace("site-3", "site-9", StringComparison.Ordinal);
        File.WriteAllLines(path, lines);

        var result = AuditLogVerifier.Verify(path);
        Assert.False(result.Valid);
        Assert.Equal(3, result.FirstBadLine);
        Assert.Equal(2, result.Entries);
        Assert.Contains("edited", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Edited_line_with_a_recomputed_hash_breaks_the_next_line()
    {
        string path = WriteLog(4);
        string[] lines = File.ReadAllLines(path);
        // The editor recomputes line 2's own hash; line 3 still names the old one.
        string body = lines[1][..lines[1].LastIndexOf(",\"hash\":\"", StringComparison.Ordinal)] + "}";
        body = body.Replace("site-2", "site-7", StringComparison.Ordinal);
        string hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        lines[1] = body[..^1] + ",\"hash\":\"" + hash + "\"}";
        File.WriteAllLines(path, lines);

        var result = AuditLogVerifier.Verify(path);
        Assert.False(result.Valid);
        Assert.Equal(3, result.FirstBadLine);
        Assert.Contains("\"prev\"", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Removed_line_is_reported()
    {
        string path = WriteLog(4);
        var lines = File.ReadAllLines(path).ToList();
        lines.RemoveAt(1);
        File.WriteAllLines(path, lines);

        var result = AuditLogVerifier.Verify(path);
        Assert.False(result.Valid);
        Assert.Equal(2, result.FirstBadLine);
        Assert.Contains("sequence number is 3, expected 2", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Reopened_log_continues_the_chain()
    {
        string path = WriteLog(2);
        using (var log = AuditLog.Open(path))
        {
            Assert.Equal(2, log.Count);
            log.Append("round-finished", ("round", "1"));
            Assert.Equal(3, log.Count);
        }
        var result = AuditLogVerifier.Verify(path);
        Assert.True(result.Valid, result.Reason);
        Assert.Equal(3, result.Entries);
    }

    [Fact]
    public void Opening_a_broken_log_is_refused()
    {
        string path = WriteLog(3);
        File.AppendAllText(path, "{\"seq\":4,\"forged\":true}\n");
        var error = Assert.Throws<InvalidDataException>(() => AuditLog.Open(path));
        Assert.Contains("line 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Concurrent_appends_keep_one_unbroken_chain()
    {
        string path = PathOf("concurrent.jsonl");
        using (var log = AuditLog.Open(path))
        {
            Parallel.For(0, 200, i => log.Append("update-received", ("i", i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }
        var result = AuditLogVerifier.Verify(path);
        Assert.True(result.Valid, result.Reason);
        Assert.Equal(200, result.Entries);
    }

    [Fact]
    public void Entries_are_on_disk_while_the_log_is_open()
    {
        string path = PathOf("open.jsonl");
        using var log = AuditLog.Open(path);
        log.Append("join", ("client", "site-a"));
        // Another reader (the verify command) sees the entry without the writer closing.
        var result = AuditLogVerifier.Verify(path);
        Assert.True(result.Valid, result.Reason);
        Assert.Equal(1, result.Entries);
        Assert.Equal(log.HeadHash, result.HeadHash);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
