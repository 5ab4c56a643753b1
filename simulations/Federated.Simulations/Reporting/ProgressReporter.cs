using System.Globalization;
using Spectre.Console;

namespace Federated.Simulations.Reporting;

/// <summary>
/// Shows a run's progress: a live Spectre.Console bar ("Round r/R", accuracy, ETA) on an
/// interactive terminal, else one plain line per round. Callers never see Spectre types.
/// </summary>
public sealed class ProgressReporter : IDisposable
{
    private readonly IAnsiConsole? _console;
    private readonly TextWriter _plain;
    private readonly Lock _lock = new();
    private TaskCompletionSource? _stop;
    private Task? _display;
    private ProgressTask? _bar;
    private int _totalRounds;
    private int _roundsDone;
    private double _wallSeconds;

    /// <summary>Live progress on an interactive console, plain lines when output is redirected.</summary>
    public ProgressReporter()
        : this(AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected ? AnsiConsole.Console : null, Console.Out)
    {
    }

    /// <summary>Plain lines to <paramref name="output"/>, one per round.</summary>
    public ProgressReporter(TextWriter output)
        : this(null, output)
    {
    }

    internal ProgressReporter(IAnsiConsole? interactiveConsole, TextWriter plainOutput)
    {
        ArgumentNullException.ThrowIfNull(plainOutput);
        _console = interactiveConsole;
        _plain = plainOutput;
    }

    /// <summary>True when a live progress bar is drawn rather than plain lines.</summary>
    public bool IsInteractive => _console is not null;

    /// <summary>Begins showing progress of <paramref name="totalRounds"/> rounds.</summary>
    public void Start(int totalRounds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalRounds, 1);
        lock (_lock)
        {
            if (_display is not null) throw new InvalidOperationException("Progress was already started.");
            _totalRounds = totalRounds;
            _roundsDone = 0;
            _wallSeconds = 0;
            if (_console is null) return;
            StartLive(_console);
        }
    }

    /// <summary>Advances by one finished round.</summary>
    public void Report(RoundReport round)
    {
        ArgumentNullException.ThrowIfNull(round);
        lock (_lock)
        {
            _roundsDone++;
            _wallSeconds += round.WallSeconds;
            if (_bar is not null)
            {
                _bar.Description = Markup.Escape(Describe(round));
                _bar.Value = Math.Min(_roundsDone, _totalRounds);
            }
            else
            {
                _plain.WriteLine(Describe(round) + string.Create(CultureInfo.InvariantCulture,
                    $"  loss {round.Loss:F4}  clients {round.Participants}/{round.Selected}  failures {round.Failures}  wall {round.WallSeconds:F1}s"));
                _plain.Flush();
            }
        }
    }

    /// <summary>Stops the live display and says how the run ended.</summary>
    public void Complete(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        StopLive();
        string final = result.Rounds.Count > 0
            ? $", final accuracy {SummaryText.Percent(result.Rounds[^1].Accuracy)}"
            : "";
        WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Finished {result.Rounds.Count} round(s) in {SummaryText.Duration(result.TotalWallSeconds)}{final}."));
    }

    /// <summary>Writes a line of plain text (never markup) to the same console.</summary>
    public void WriteLine(string text)
    {
        lock (_lock)
        {
            if (_console is not null)
            {
                _console.Profile.Out.Writer.WriteLine(text);
                _console.Profile.Out.Writer.Flush();
            }
            else
            {
                _plain.WriteLine(text);
                _plain.Flush();
            }
        }
    }

    public void Dispose() => StopLive();

    private void StartLive(IAnsiConsole console)
    {
        var ready = new TaskCompletionSource<ProgressTask>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var display = console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                ready.TrySetResult(context.AddTask(Markup.Escape(Describe(null)), autoStart: true, maxValue: _totalRounds));
                await stop.Task.ConfigureAwait(false);
            });
        // The display fails before adding its task only if the console cannot render; surface that here.
        Task.WhenAny(ready.Task, display).GetAwaiter().GetResult();
        if (!ready.Task.IsCompleted) display.GetAwaiter().GetResult();
        _bar = ready.Task.Result;
        _stop = stop;
        _display = display;
    }

    private void StopLive()
    {
        Task? display;
        lock (_lock)
        {
            display = _display;
            _stop?.TrySetResult();
            _display = null;
            _stop = null;
            _bar = null;
        }
        display?.GetAwaiter().GetResult();
    }

    private string Describe(RoundReport? round)
    {
        string text = string.Create(CultureInfo.InvariantCulture, $"Round {_roundsDone}/{_totalRounds}");
        if (round is null) return text;
        int left = Math.Max(0, _totalRounds - _roundsDone);
        double eta = _roundsDone > 0 ? _wallSeconds / _roundsDone * left : double.NaN;
        return text + string.Create(CultureInfo.InvariantCulture,
            $"  accuracy {SummaryText.Percent(round.Accuracy)}  ETA {(left == 0 ? "done" : SummaryText.Duration(eta))}");
    }
}
