using System.Globalization;

namespace Federated.Simulations.Reporting;

/// <summary>The per-round CSV format: one header, one invariant-culture row per <see cref="RoundReport"/>.</summary>
internal static class RoundsCsv
{
    public const string Header =
        "round,accuracy,loss,selected,participants,failures,bytes_sent,bytes_received,wall_seconds,training_seconds,evaluation_seconds,overhead_seconds,completed,epsilon";

    private static readonly int ColumnCount = Header.Split(',').Length;

    public static string Format(RoundReport r) => string.Join(',',
        r.Round.ToString(CultureInfo.InvariantCulture),
        Number(r.Accuracy),
        Number(r.Loss),
        r.Selected.ToString(CultureInfo.InvariantCulture),
        r.Participants.ToString(CultureInfo.InvariantCulture),
        r.Failures.ToString(CultureInfo.InvariantCulture),
        r.BytesSent.ToString(CultureInfo.InvariantCulture),
        r.BytesReceived.ToString(CultureInfo.InvariantCulture),
        Number(r.WallSeconds),
        Number(r.TrainingSeconds),
        Number(r.EvaluationSeconds),
        Number(r.OverheadSeconds),
        r.Completed ? "true" : "false",
        Number(r.Epsilon));

    /// <summary>Reads one data row back; the overhead column is derived, so it is not read.</summary>
    /// <exception cref="FormatException">The row does not have the columns of <see cref="Header"/>.</exception>
    public static RoundReport Parse(string line)
    {
        string[] c = line.Split(',');
        if (c.Length != ColumnCount)
            throw new FormatException($"Expected {ColumnCount} columns ({Header}) but got {c.Length}: '{line}'.");
        var invariant = CultureInfo.InvariantCulture;
        return new RoundReport
        {
            Round = long.Parse(c[0], invariant),
            Accuracy = double.Parse(c[1], invariant),
            Loss = double.Parse(c[2], invariant),
            Selected = int.Parse(c[3], invariant),
            Participants = int.Parse(c[4], invariant),
            Failures = int.Parse(c[5], invariant),
            BytesSent = long.Parse(c[6], invariant),
            BytesReceived = long.Parse(c[7], invariant),
            WallSeconds = double.Parse(c[8], invariant),
            TrainingSeconds = double.Parse(c[9], invariant),
            EvaluationSeconds = double.Parse(c[10], invariant),
            Completed = bool.Parse(c[12]),
            Epsilon = double.Parse(c[13], invariant),
        };
    }

    // "R" keeps every bit, so a row reads back to the same double; NaN and infinities stay readable.
    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
