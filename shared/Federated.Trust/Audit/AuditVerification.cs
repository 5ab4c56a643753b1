namespace Federated.Trust.Audit;

/// <summary>The outcome of checking an audit log's chain.</summary>
/// <param name="Entries">Lines that verified (all of them when <paramref name="Valid"/>).</param>
/// <param name="FirstBadLine">1-based number of the first line that failed, or null.</param>
/// <param name="Reason">Why that line failed, or null.</param>
/// <param name="HeadHash">Hash of the last line that verified (the genesis value for an empty log).</param>
public sealed record AuditVerification(bool Valid, long Entries, long? FirstBadLine, string? Reason, string HeadHash);
