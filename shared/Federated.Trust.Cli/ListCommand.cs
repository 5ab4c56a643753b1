using System.CommandLine;

namespace Federated.Trust.Cli;

/// <summary><c>list</c>: every certificate the CA issued, with its state.</summary>
internal static class ListCommand
{
    public static Command Create(CommonOptions common)
    {
        var command = new Command("list", "List the certificates the federation CA issued.");
        CliAction.Set(command, (result, output) =>
        {
            using var authority = common.LoadAuthority(result);
            output.WriteLine($"Federation '{authority.FederationName}', CA valid until {authority.Certificate.NotAfter.ToUniversalTime():u}");
            output.WriteLine($"{"SERIAL",-8} {"IDENTITY",-24} {"ROLE",-12} {"KEY",-12} {"NOT AFTER",-21} STATE");
            foreach (var record in authority.Issued)
            {
                var state = record.IsRevoked
                    ? $"revoked {record.RevokedAt:u} ({record.RevocationReason})"
                    : record.NotAfter < DateTimeOffset.UtcNow ? "expired" : "valid";
                output.WriteLine($"{record.Serial,-8} {record.Identity,-24} {record.Role,-12} {record.KeyAlgorithm,-12} {record.NotAfter,-21:u} {state}");
            }

            return 0;
        });
        return command;
    }
}
