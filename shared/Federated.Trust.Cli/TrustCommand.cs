using System.CommandLine;

namespace Federated.Trust.Cli;

/// <summary>The command line of <c>federated-trust</c>; each command group lives in its own file.</summary>
internal static class TrustCommand
{
    /// <param name="environment">Reads environment variables (passwords, CA folder); injectable for tests.</param>
    public static RootCommand Create(Func<string, string?> environment)
    {
        var common = new CommonOptions(environment);
        var root = new RootCommand("Provision a federation: root CA, coordinator and site certificates with startup bundles, revocation; verify audit logs; seal and open envelopes.");
        root.Options.Add(common.CaDirectory);
        root.Options.Add(common.PasswordFile);
        root.Subcommands.Add(CaCommand.Create(common));
        root.Subcommands.Add(IssueCommand.Create(common));
        root.Subcommands.Add(RevokeCommand.Create(common));
        root.Subcommands.Add(CrlCommand.Create(common));
        root.Subcommands.Add(ListCommand.Create(common));
        root.Subcommands.Add(AuditCommand.Create());
        root.Subcommands.Add(EnvelopeCommand.Create(common));
        return root;
    }
}
