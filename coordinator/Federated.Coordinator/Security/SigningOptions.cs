namespace Federated.Coordinator.Security;

/// <summary>
/// Signed models and updates, bound from the configuration section <c>Signing</c>. The coordinator
/// signs and verifies whenever it holds the federation's credentials (its certificate and the
/// federation CA, registered by the <c>Security</c> section or by a host); these keys only tune that.
/// </summary>
public sealed class SigningOptions
{
    public const string SectionName = "Signing";

    /// <summary>
    /// Refuse updates that carry no signature (default). Turn off only while sites are being
    /// migrated to signing clients: a signature that is present is always checked.
    /// </summary>
    public bool RequireSignedUpdates { get; set; } = true;
}
