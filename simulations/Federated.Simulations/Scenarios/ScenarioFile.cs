using System.Text.Json;

namespace Federated.Simulations.Scenarios;

/// <summary>Reads and writes scenario files (JSON).</summary>
public static class ScenarioFile
{
    /// <summary>Reads a scenario; keys left out keep the defaults of <see cref="SimulationScenario"/>.</summary>
    /// <exception cref="ScenarioException">The file is missing, is not JSON, has an unknown key or a value of the wrong type.</exception>
    public static SimulationScenario Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException($"Cannot read scenario file '{path}': {ex.Message}", ex);
        }
        return Parse(text, path);
    }

    /// <summary>Parses scenario JSON; <paramref name="source"/> names it in errors.</summary>
    public static SimulationScenario Parse(string json, string source = "scenario")
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<SimulationScenario>(json, ScenarioJson.Options)
                ?? throw new ScenarioException($"Scenario file '{source}' holds null instead of an object.");
        }
        catch (JsonException ex)
        {
            // System.Text.Json names the unknown key or the JSON path and position of a bad value.
            throw new ScenarioException($"Scenario file '{source}': {ex.Message}", ex);
        }
    }

    /// <summary>The scenario as indented camelCase JSON, the form <see cref="Load"/> reads.</summary>
    public static string ToJson(SimulationScenario scenario) =>
        JsonSerializer.Serialize(scenario, ScenarioJson.Options);

    public static void Save(SimulationScenario scenario, string path) =>
        File.WriteAllText(path, ToJson(scenario) + Environment.NewLine);
}
