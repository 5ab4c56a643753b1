using System.CommandLine;
using System.CommandLine.Parsing;

namespace Federated.Edge.Cli;

/// <summary>
/// Command validators run before defaults are filled in, so an option's value there is only meaningful
/// when it was typed: these read it only then.
/// </summary>
internal static class Given
{
    public static bool TryGet<T>(CommandResult result, Option<T> option, out T value)
    {
        if (result.GetResult(option) is { Implicit: false } typed)
        {
            value = typed.GetValueOrDefault<T>();
            return true;
        }
        value = default!;
        return false;
    }
}
