using System.CommandLine;
using System.Globalization;
using Federated.Trust.Audit;

namespace Federated.Trust.Cli;

/// <summary>
/// <c>audit verify LOG</c>: checks the hash chain of a coordinator's or a site's audit log. Exit code
/// 0 when it verifies, 1 when a line fails (the line number and why go to stderr) or the log does
/// not match the head hash or entry count recorded elsewhere, 2 when the log cannot be read.
/// </summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var log = new Argument<string>("log") { Description = "The audit log (JSON lines) to check." };
        var head = new Option<string?>("--expect-head")
        {
            Description = "The hash of the last entry as recorded elsewhere (the coordinator logs it); a log cut short then fails.",
        };
        var entries = new Option<long?>("--expect-entries") { Description = "The number of entries the log must hold." };
        var verify = new Command("verify", "Check an audit log's hash chain and report the first line that fails.") { log, head, entries };
        verify.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            string path = result.GetValue(log)!;
            AuditVerification verification;
            try
            {
                verification = AuditLogVerifier.Verify(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: cannot read the audit log '{path}': {e.Message}");
                return 2;
            }
            if (!verification.Valid)
            {
                error.WriteLine(Invariant($"{path}: line {verification.FirstBadLine} fails: {verification.Reason}. The {verification.Entries} lines before it verify."));
                return 1;
            }
            if (result.GetValue(entries) is { } expected && expected != verification.Entries)
            {
                error.WriteLine(Invariant($"{path}: the chain verifies but holds {verification.Entries} entries, not the expected {expected} (entries were removed from its end, or added)."));
                return 1;
            }
            if (result.GetValue(head) is { } expectedHead && !string.Equals(expectedHead.Trim(), verification.HeadHash, StringComparison.OrdinalIgnoreCase))
            {
                error.WriteLine($"{path}: the chain verifies but ends at {verification.HeadHash}, not at the expected {expectedHead.Trim()} (the log was cut short or replaced).");
                return 1;
            }
            output.WriteLine(Invariant($"{path}: {verification.Entries} entries, chain intact; head {verification.HeadHash}"));
            return 0;
        });
        return new Command("audit", "Audit logs of coordinators and sites.") { verify };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
