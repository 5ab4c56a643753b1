using Federated.Edge.Cli;

namespace Federated.Tests.Edge.Cli;

/// <summary>What one <c>federated-edge</c> invocation printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>Runs <c>federated-edge</c> in this process, as its Main would, capturing what it prints.</summary>
internal static class EdgeCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var timeout = new CancellationTokenSource(Timeout);
        int exit = await EdgeCommand.InvokeAsync(args, output, error, timeout.Token).WaitAsync(Timeout);
        return new CliResult(exit, output.ToString(), error.ToString());
    }

    /// <summary>Reads the CSV <c>run --output</c> writes: each example's class and logits.</summary>
    public static (int[] Classes, float[][] Logits) ReadRunCsv(string path)
    {
        string[] lines = File.ReadAllLines(path);
        string[] header = lines[0].Split(',');
        int firstLogit = Array.FindIndex(header, h => h.StartsWith("logit", StringComparison.Ordinal));
        var classes = new int[lines.Length - 1];
        var logits = new float[lines.Length - 1][];
        for (int i = 1; i < lines.Length; i++)
        {
            string[] fields = lines[i].Split(',');
            classes[i - 1] = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
            logits[i - 1] = fields[firstLogit..].Select(f => float.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }
        return (classes, logits);
    }
}
