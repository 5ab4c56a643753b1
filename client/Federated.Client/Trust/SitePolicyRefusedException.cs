namespace Federated.Client.Trust;

/// <summary>The site's policy refused a task; reported to the coordinator with <c>policy_refusal</c> set.</summary>
public sealed class SitePolicyRefusedException(string reason) : Exception(reason);
