using Federated.Simulations.Reporting;
using Spectre.Console;

namespace Federated.Tests.Simulations.Reporting;

public sealed class ProgressReporterTests
{
    [Fact]
    public void PlainOutput_OneLinePerRoundWithAccuracyAndEta()
    {
        using var output = new StringWriter();
        using var progress = new ProgressReporter(output);
        var rounds = Rounds.Climbing();

        progress.Start(rounds.Count);
        foreach (var round in rounds) progress.Report(round);
        progress.Complete(Rounds.Result(rounds, "out"));

        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.False(progress.IsInteractive);
        Assert.Equal(6, lines.Length);
        Assert.StartsWith("Round 1/5  accuracy 55.00%  ETA 0:40.0", lines[0], StringComparison.Ordinal);
        Assert.Contains("clients 9/10", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("Round 3/5  accuracy 81.00%  ETA 0:26.7", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("Round 5/5  accuracy 83.00%  ETA done", lines[4], StringComparison.Ordinal);
        Assert.Equal("Finished 5 round(s) in 1:03.0, final accuracy 83.00%.", lines[5]);
    }

    [Fact]
    public void InteractiveConsole_DrawsTheBarAndEndsCleanly()
    {
        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(output),
        });
        using var progress = new ProgressReporter(console, TextWriter.Null);
        var rounds = Rounds.Climbing();

        progress.Start(rounds.Count);
        foreach (var round in rounds) progress.Report(round);
        progress.Complete(Rounds.Result(rounds, "out"));

        string text = output.ToString();
        Assert.True(progress.IsInteractive);
        Assert.Contains("Round 5/5", text, StringComparison.Ordinal);
        Assert.Contains("Finished 5 round(s)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_Twice_IsRefusedWhileLive()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(TextWriter.Null),
        });
        using var progress = new ProgressReporter(console, TextWriter.Null);

        progress.Start(3);

        Assert.Throws<InvalidOperationException>(() => progress.Start(3));
    }
}
