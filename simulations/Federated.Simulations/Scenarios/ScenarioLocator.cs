namespace Federated.Simulations.Scenarios;

/// <summary>Finds the repository's <c>simulations/scenarios</c> folder from a build output folder.</summary>
public static class ScenarioLocator
{
    public const string DefaultScenarioFile = "default.json";

    /// <summary>The nearest <c>simulations/scenarios</c> folder at or above <paramref name="start"/>, or null.</summary>
    public static string? FindScenariosDirectory(string start)
    {
        ArgumentException.ThrowIfNullOrEmpty(start);
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "simulations", "scenarios");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The repository's <c>simulations/scenarios/default.json</c>, searched upwards from the program's folder.</summary>
    /// <exception cref="ScenarioException">No such file above <see cref="AppContext.BaseDirectory"/>.</exception>
    public static string FindDefaultScenario()
    {
        string start = AppContext.BaseDirectory;
        string? dir = FindScenariosDirectory(start);
        string? file = dir is null ? null : Path.Combine(dir, DefaultScenarioFile);
        if (file is null || !File.Exists(file))
            throw new ScenarioException(
                $"No --scenario given and simulations/scenarios/{DefaultScenarioFile} was not found in '{start}' or any folder above it.");
        return file;
    }
}
