using System.CommandLine;
using Federated.Trust.Audit;
using Federated.Trust.Cli;

namespace Federated.Tests.Trust.Audit;

public sealed class AuditVerifyCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("audit-cli-").FullName;

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = TrustCommand.Create(_ => null).Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    private (string Path, string Head) WriteLog()
    {
        string path = Path.Combine(_directory, "coordinator-audit.jsonl");
        using var log = AuditLog.Open(path);
        log.Append("join", ("client", "site-a"));
        log.Append("update-received", ("client", "site-a"), ("update-sha256", new string('b', 64)));
        log.Append("result-accepted", ("client", "site-a"));
        return (path, log.HeadHash);
    }

    [Fact]
    public void Intact_log_verifies_with_exit_code_0()
    {
        var (path, head) = WriteLog();
        var (code, output, error) = Run("audit", "verify", path, "--expect-head", head, "--expect-entries", "3");
        Assert.Equal(0, code);
        Assert.Contains("3 entries, chain intact", output, StringComparison.Ordinal);
        Assert.Empty(error);
    }

    [Fact]
    public void Edited_line_fails_with_its_line_number()
    {
        var (path, _) = WriteLog();
        string[] lines = File.ReadAllLines(path);
        lines[1] = lines[1].Replace("site-a", "site-z", StringComparison.Ordinal);
        File.WriteAllLines(path, lines);

        var (code, _, error) = Run("audit", "verify", path);
        Assert.Equal(1, code);
        Assert.Contains("line 2 fails", error, StringComparison.Ordinal);
        Assert.Contains("The 1 lines before it verify", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_cut_short_fails_against_the_recorded_head_and_count()
    {
        var (path, head) = WriteLog();
        File.WriteAllLines(path, File.ReadAllLines(path)[..2]);

        Assert.Equal(0, Run("audit", "verify", path).Code);
        var byHead = Run("audit", "verify", path, "--expect-head", head);
        Assert.Equal(1, byHead.Code);
        Assert.Contains("cut short", byHead.Error, StringComparison.Ordinal);
        var byCount = Run("audit", "verify", path, "--expect-entries", "3");
        Assert.Equal(1, byCount.Code);
        Assert.Contains("holds 2 entries, not the expected 3", byCount.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_log_is_a_clear_error()
    {
        string path = Path.Combine(_directory, "nowhere.jsonl");
        var (code, _, error) = Run("audit", "verify", path);
        Assert.Equal(2, code);
        Assert.Contains(path, error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
