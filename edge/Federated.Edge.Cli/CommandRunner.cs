using Federated.Edge.CodeGen;
using Federated.Edge.Pull;
using Federated.Edge.Runtime;
using Federated.Shared.Serialization;

namespace Federated.Edge.Cli;

/// <summary>Runs a command's work and turns the errors bad input causes into one line on stderr and exit code 1.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(TextWriter error, Func<Task<int>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (Exception e) when (e is CliException or ModelFileException or EdgeModelException or GlobalModelPullException or ModelBudgetExceededException
                                      or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or ArgumentException or FormatException)
        {
            await error.WriteLineAsync("federated-edge: " + e.Message).ConfigureAwait(false);
            return 1;
        }
    }
}
