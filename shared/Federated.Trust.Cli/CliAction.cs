using System.CommandLine;
using System.Security.Cryptography;
using Federated.Trust.Pki;

namespace Federated.Trust.Cli;

/// <summary>Runs a command body and turns expected failures into one clear line on stderr and exit code 1.</summary>
internal static class CliAction
{
    public static void Set(Command command, Func<ParseResult, TextWriter, int> body) =>
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            try
            {
                return body(result, output);
            }
            catch (Exception e) when (e is FederationTrustException or ArgumentException or KeyNotFoundException
                or InvalidOperationException or IOException or UnauthorizedAccessException or CryptographicException)
            {
                result.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
}
