using System.Globalization;

namespace Federated.Benchmarks.Scenarios;

/// <summary>
/// A scenario's <c>--name value</c> options. Every name a scenario reads is remembered, so
/// <see cref="ThrowOnUnknown"/> can refuse a misspelt option instead of silently running the defaults.
/// </summary>
internal sealed class ScenarioArguments(string[] args)
{
    private readonly HashSet<string> _known = new(StringComparer.Ordinal) { "--env" };

    public string? Text(string name)
    {
        _known.Add(name);
        int index = Array.LastIndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    public string Text(string name, string fallback) => Text(name) ?? fallback;

    public int Int(string name, int fallback) =>
        Text(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) =>
        Text(name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

    /// <summary>A comma-separated list, e.g. <c>--brokers embedded,mosquitto</c>.</summary>
    public IReadOnlyList<string> List(string name, string fallback) =>
        Text(name, fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Every <c>--env KEY=VALUE</c>, in order: environment variables for a child process.</summary>
    public List<KeyValuePair<string, string>> Environment()
    {
        var pairs = new List<KeyValuePair<string, string>>();
        for (int i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] != "--env") continue;
            int equals = args[i + 1].IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) throw new ArgumentException($"--env expects KEY=VALUE, got '{args[i + 1]}'.");
            pairs.Add(new(args[i + 1][..equals], args[i + 1][(equals + 1)..]));
        }
        return pairs;
    }

    /// <summary>Call after reading every option: an option the scenario never asked for is a typo.</summary>
    public void ThrowOnUnknown()
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) continue;
            if (!_known.Contains(args[i])) throw new ArgumentException($"Unknown option '{args[i]}'. Known: {string.Join(' ', _known.Order(StringComparer.Ordinal))}.");
            i++; // its value
        }
    }
}
