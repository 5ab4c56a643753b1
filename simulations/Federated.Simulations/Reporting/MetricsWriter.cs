using System.Text.Json;

namespace Federated.Simulations.Reporting;

/// <summary>
/// Writes a run's metrics files into one folder: <c>rounds.csv</c> and <c>rounds.json</c> after
/// every round (so a crash leaves the finished rounds on disk), and <c>summary.json</c> and
/// <c>summary.txt</c> at the end. Safe to call from several threads.
/// </summary>
public sealed class MetricsWriter
{
    public const string RoundsCsvFile = "rounds.csv";
    public const string RoundsJsonFile = "rounds.json";
    public const string SummaryJsonFile = "summary.json";
    public const string SummaryTextFile = "summary.txt";

    private readonly List<RoundReport> _rounds = [];
    private readonly Lock _lock = new();

    /// <summary>Creates <paramref name="directory"/> and starts a fresh <c>rounds.csv</c> and <c>rounds.json</c> there.</summary>
    public MetricsWriter(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(RoundsCsvPath, RoundsCsv.Header + "\n");
        WriteRoundsJson();
    }

    public string Directory { get; }

    public string RoundsCsvPath => Path.Combine(Directory, RoundsCsvFile);

    public string RoundsJsonPath => Path.Combine(Directory, RoundsJsonFile);

    public string SummaryJsonPath => Path.Combine(Directory, SummaryJsonFile);

    public string SummaryTextPath => Path.Combine(Directory, SummaryTextFile);

    /// <summary>Adds one round to both per-round files.</summary>
    public void Append(RoundReport round)
    {
        ArgumentNullException.ThrowIfNull(round);
        lock (_lock)
        {
            _rounds.Add(round);
            File.AppendAllText(RoundsCsvPath, RoundsCsv.Format(round) + "\n");
            WriteRoundsJson();
        }
    }

    /// <summary>Writes <c>summary.json</c> and <c>summary.txt</c> and returns the summary.</summary>
    public RunSummary WriteSummary(SimulationResult result)
    {
        var summary = RunSummary.From(result);
        lock (_lock)
        {
            WriteAtomically(SummaryJsonPath, JsonSerializer.Serialize(summary, ReportJson.Options) + "\n");
            WriteAtomically(SummaryTextPath, summary.ToText());
        }
        return summary;
    }

    /// <summary>Reads a <c>rounds.csv</c> written by this class.</summary>
    public static IReadOnlyList<RoundReport> ReadRoundsCsv(string path)
    {
        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != RoundsCsv.Header)
            throw new FormatException($"'{path}' does not start with the header '{RoundsCsv.Header}'.");
        return [.. lines.Skip(1).Where(l => l.Length > 0).Select(RoundsCsv.Parse)];
    }

    /// <summary>Reads a <c>rounds.json</c> written by this class.</summary>
    public static IReadOnlyList<RoundReport> ReadRoundsJson(string path) =>
        JsonSerializer.Deserialize<List<RoundReport>>(File.ReadAllText(path), ReportJson.Options)
        ?? throw new FormatException($"'{path}' holds null instead of an array of rounds.");

    private void WriteRoundsJson() =>
        WriteAtomically(RoundsJsonPath, JsonSerializer.Serialize(_rounds, ReportJson.Options) + "\n");

    // A crash mid-write leaves the previous complete file, never half an array.
    private static void WriteAtomically(string path, string text)
    {
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }
}
