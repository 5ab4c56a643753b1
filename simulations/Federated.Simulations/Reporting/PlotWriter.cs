using ScottPlot;

namespace Federated.Simulations.Reporting;

/// <summary>Draws accuracy (left axis, 0–1) and loss (right axis) per round into a PNG.</summary>
public static class PlotWriter
{
    public const int DefaultWidth = 900;
    public const int DefaultHeight = 500;

    /// <summary>Writes the plot to <paramref name="pngPath"/>, creating its folder; no rounds give empty axes.</summary>
    public static void Write(IReadOnlyList<RoundReport> rounds, string pngPath, string title,
        int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        ArgumentException.ThrowIfNullOrEmpty(pngPath);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 100);

        using var plot = new Plot();
        double[] x = [.. rounds.Select(r => (double)r.Round)];

        var accuracy = plot.Add.Scatter(x, [.. rounds.Select(r => r.Accuracy)]);
        accuracy.LegendText = "Accuracy";
        accuracy.Axes.YAxis = plot.Axes.Left;

        var loss = plot.Add.Scatter(x, [.. rounds.Select(r => r.Loss)]);
        loss.LegendText = "Loss";
        loss.Axes.YAxis = plot.Axes.Right;
        loss.LinePattern = LinePattern.Dashed;

        plot.Title(title);
        plot.Axes.Bottom.Label.Text = "Round";
        plot.Axes.Left.Label.Text = "Accuracy";
        plot.Axes.Right.Label.Text = "Loss";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend(Alignment.LowerRight);

        plot.Axes.AutoScale();
        double lastRound = x.Length > 0 ? x.Max() : 1;
        double firstRound = x.Length > 0 ? x.Min() : 0;
        plot.Axes.SetLimitsX(firstRound - 0.5, lastRound + 0.5, plot.Axes.Bottom);
        plot.Axes.SetLimitsY(0, 1, plot.Axes.Left);
        double maxLoss = rounds.Select(r => r.Loss).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimitsY(0, maxLoss > 0 ? maxLoss * 1.1 : 1, plot.Axes.Right);

        string? folder = Path.GetDirectoryName(Path.GetFullPath(pngPath));
        if (folder is not null) Directory.CreateDirectory(folder);
        plot.SavePng(pngPath, width, height);
    }
}
