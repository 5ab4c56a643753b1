using System.Text.Json;

namespace Federated.Trust.Audit;

/// <summary>
/// Checks an audit log written by <see cref="AuditLog"/>: every line's hash matches its body, its
/// <c>prev</c> is the hash of the line before, and its <c>seq</c> counts up from 1. Reports the
/// first line that fails and why. A log cut short after a good line still verifies: compare
/// <see cref="AuditVerification.HeadHash"/> and the entry count with values recorded elsewhere.
/// </summary>
public static class AuditLogVerifier
{
    public static AuditVerification Verify(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"The audit log '{path}' does not exist.", path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return Verify(file, path);
    }

    /// <summary>Verifies the log held by <paramref name="stream"/> from its start; <paramref name="name"/> only names it in reasons.</summary>
    public static AuditVerification Verify(Stream stream, string name = "audit log")
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Seek(0, SeekOrigin.Begin);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var content = copy.GetBuffer().AsSpan(0, (int)copy.Length);

        string head = AuditLine.Genesis;
        long line = 0;
        while (content.Length > 0)
        {
            line++;
            int end = content.IndexOf((byte)'\n');
            if (end < 0)
                return Bad(line, $"the line has no line end (the write of the last entry of {name} was cut off)");
            var text = content[..end];
            content = content[(end + 1)..];
            if (Check(text, line, head, out string hash) is { } reason) return Bad(line, reason);
            head = hash;
        }
        return new AuditVerification(true, line, null, null, head);

        AuditVerification Bad(long number, string reason) => new(false, number - 1, number, reason, head);
    }

    /// <summary>Why line <paramref name="number"/> does not verify, or null; <paramref name="hash"/> is its hash when it does.</summary>
    private static string? Check(ReadOnlySpan<byte> text, long number, string previous, out string hash)
    {
        hash = "";
        if (!AuditLine.TryOpen(text, out byte[] body, out string claimed))
            return "the line does not end with a \"hash\" member of 64 lower-case hex digits";
        string actual = AuditLine.HashOf(body);
        if (actual != claimed)
            return $"its contents hash to {actual[..16]}…, not the {claimed[..16]}… it records (the line was edited)";
        long seq;
        string? prev;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (!root.TryGetProperty("seq", out var seqElement) || !seqElement.TryGetInt64(out seq))
                return "the line has no integer \"seq\"";
            if (!root.TryGetProperty("prev", out var prevElement) || prevElement.ValueKind != JsonValueKind.String)
                return "the line has no \"prev\" hash";
            prev = prevElement.GetString();
        }
        catch (JsonException e)
        {
            return $"the line is not valid JSON ({e.Message})";
        }
        if (seq != number)
            return $"its sequence number is {seq}, expected {number} (a line was removed, inserted or reordered)";
        if (prev != previous)
            return $"its \"prev\" is {Prefix(prev)}…, not the hash {previous[..16]}… of the line before (a line was removed, inserted or reordered)";
        hash = actual;
        return null;
    }

    private static string Prefix(string? text) => text is null ? "(null)" : text[..Math.Min(16, text.Length)];
}
