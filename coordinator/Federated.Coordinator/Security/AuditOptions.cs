namespace Federated.Coordinator.Security;

/// <summary>The coordinator's audit log, bound from the configuration section <c>Audit</c>.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>
    /// The hash-chained JSON-lines audit log (joins, tasks, update hashes, accept/reject and why,
    /// round results); empty keeps none. Check it with <c>federated-trust audit verify PATH</c>.
    /// </summary>
    public string Path { get; set; } = "";
}
