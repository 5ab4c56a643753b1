using System.Globalization;
using System.Text;

namespace Federated.Simulations.Reporting;

/// <summary>Renders a <see cref="RunSummary"/> as the lines of <c>summary.txt</c> and of the console.</summary>
internal static class SummaryText
{
    public static string Format(RunSummary s)
    {
        var text = new StringBuilder();
        void Line(string label, string value) =>
            text.Append(CultureInfo.InvariantCulture, $"{label,-22}{value}\n");

        Line("Run", s.Name);
        Line("Dataset", s.Dataset);
        Line("Partition", s.Partition);
        Line("Rounds", $"{s.Rounds} ({s.CompletedRounds} completed)");
        Line("Final accuracy", s.FinalAccuracy is { } final ? Percent(final) : "n/a");
        Line("Final loss", s.FinalLoss is { } loss ? loss.ToString("F4", CultureInfo.InvariantCulture) : "n/a");
        Line("Best accuracy", s.BestAccuracy is { } best ? $"{Percent(best)} (round {s.BestRound})" : "n/a");
        foreach (var milestone in s.RoundsToAccuracy)
            Line($"Rounds to {Percent(milestone.Accuracy, 0)}", milestone.Round is { } r ? r.ToString(CultureInfo.InvariantCulture) : "not reached");
        if (s.FinalEpsilon is { } epsilon) Line("Privacy spent (ε)", epsilon.ToString("F3", CultureInfo.InvariantCulture));
        Line("Total wall time", Duration(s.TotalWallSeconds));
        Line("Overhead share", Percent(s.MeanOverheadShare, 1));
        Line("Bytes sent", Bytes(s.TotalBytesSent));
        Line("Bytes received", Bytes(s.TotalBytesReceived));
        Line("Total bytes", Bytes(s.TotalBytes));
        if (s.PeakMemoryBytes > 0) Line("Peak memory (RSS)", Bytes(s.PeakMemoryBytes));
        Line("Output", s.OutputDirectory);
        return text.ToString();
    }

    internal static string Percent(double share, int decimals = 2) =>
        (share * 100).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + "%";

    internal static string Duration(double seconds) =>
        double.IsFinite(seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(Math.Round(seconds, 1)).ToString(seconds >= 3600 ? @"h\:mm\:ss" : @"m\:ss\.f", CultureInfo.InvariantCulture)
            : "n/a";

    internal static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        string scaled = unit == 0
            ? bytes.ToString(CultureInfo.InvariantCulture) + " B"
            : value.ToString("F1", CultureInfo.InvariantCulture) + " " + units[unit];
        return unit == 0 ? scaled : $"{scaled} ({bytes.ToString(CultureInfo.InvariantCulture)} B)";
    }
}
