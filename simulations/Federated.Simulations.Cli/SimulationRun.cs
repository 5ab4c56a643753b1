using Federated.Simulations.Engine;
using Federated.Simulations.Reporting;
using Federated.Simulations.Scenarios;

namespace Federated.Simulations.Cli;

/// <summary>Loads, overrides and validates a scenario, then runs it with console and file reports.</summary>
internal static class SimulationRun
{
    /// <summary>Exit code for a scenario that cannot be loaded or does not validate.</summary>
    public const int InvalidScenario = 2;

    /// <summary>Exit code after Ctrl+C.</summary>
    public const int Cancelled = 130;

    public static async Task<int> RunAsync(string? scenarioPath, IReadOnlyList<string> overrides, CancellationToken cancellationToken)
    {
        SimulationScenario scenario;
        try
        {
            string path = scenarioPath ?? ScenarioLocator.FindDefaultScenario();
            scenario = ScenarioOverrides.Apply(ScenarioFile.Load(path), overrides);
            Console.WriteLine($"Scenario file {Path.GetFullPath(path)}");
        }
        catch (ScenarioException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return InvalidScenario;
        }

        var errors = ScenarioValidator.Validate(scenario);
        if (errors.Count > 0)
        {
            await Console.Error.WriteLineAsync($"The scenario has {errors.Count} error(s):").ConfigureAwait(false);
            foreach (string error in errors)
                await Console.Error.WriteLineAsync("  " + error).ConfigureAwait(false);
            return InvalidScenario;
        }

        Console.WriteLine(ScenarioDescription.Describe(scenario));
        Console.WriteLine();

        using var observer = new ReportingObserver(new ProgressReporter());
        var engine = new SimulationEngine();
        try
        {
            var result = await engine.RunAsync(scenario, observer, cancellationToken).ConfigureAwait(false);
            observer.Complete(result);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            observer.Dispose();
            await Console.Error.WriteLineAsync(
                $"Cancelled; the finished rounds are in {observer.OutputDirectory ?? "(no run folder yet)"}.").ConfigureAwait(false);
            return Cancelled;
        }
    }
}
