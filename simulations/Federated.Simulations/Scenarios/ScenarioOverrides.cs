using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Federated.Simulations.Scenarios;

/// <summary>
/// Applies command-line overrides of the form <c>key=value</c> with dotted keys that match the
/// scenario's properties case-insensitively: <c>clients=1000</c>, <c>partition.alpha=0.1</c>,
/// <c>training.optimizer=adam</c>.
/// </summary>
public static class ScenarioOverrides
{
    /// <summary>Every key an override may name, e.g. <c>partition.alpha</c>.</summary>
    public static IReadOnlyList<string> ValidKeys => [.. ScenarioKeys.All.Select(k => k.Name)];

    /// <summary>A copy of <paramref name="scenario"/> with the overrides applied in order (a later one wins).</summary>
    /// <exception cref="ScenarioException">An override is not key=value, names an unknown key or has a value of the wrong type.</exception>
    public static SimulationScenario Apply(SimulationScenario scenario, IEnumerable<string> overrides)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(overrides);
        var root = JsonSerializer.SerializeToNode(scenario, ScenarioJson.Options)!.AsObject();
        bool changed = false;
        foreach (string item in overrides)
        {
            int equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                throw new ScenarioException($"Override '{item}' is not of the form key=value.");
            string name = item[..equals].Trim();
            string text = item[(equals + 1)..].Trim();
            var key = ScenarioKeys.Find(name)
                ?? throw new ScenarioException($"Unknown scenario key '{name}'. Valid keys: {string.Join(", ", ValidKeys)}.");
            Set(root, key.JsonPath, Convert(key, text));
            changed = true;
        }
        if (!changed) return scenario;
        try
        {
            return root.Deserialize<SimulationScenario>(ScenarioJson.Options)!;
        }
        catch (JsonException ex)
        {
            throw new ScenarioException($"Overrides produced an invalid scenario: {ex.Message}", ex);
        }
    }

    private static void Set(JsonObject root, IReadOnlyList<string> path, JsonValue value)
    {
        var node = root;
        for (int i = 0; i < path.Count - 1; i++)
            node = node[path[i]]!.AsObject();
        node[path[^1]] = value;
    }

    private static JsonValue Convert(ScenarioKeys.Key key, string text)
    {
        var type = key.Type;
        var invariant = CultureInfo.InvariantCulture;
        if (type == typeof(string)) return JsonValue.Create(text);
        if (type == typeof(int) && int.TryParse(text, NumberStyles.Integer, invariant, out int i)) return JsonValue.Create(i);
        if (type == typeof(long) && long.TryParse(text, NumberStyles.Integer, invariant, out long l)) return JsonValue.Create(l);
        if (type == typeof(double) && double.TryParse(text, NumberStyles.Float, invariant, out double d) && double.IsFinite(d))
            return JsonValue.Create(d);
        if (type == typeof(bool) && bool.TryParse(text, out bool b)) return JsonValue.Create(b);
        if (type.IsEnum)
        {
            string? match = Enum.GetNames(type).FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
            if (match is not null) return JsonValue.Create(JsonNamingPolicy.CamelCase.ConvertName(match));
            throw new ScenarioException(
                $"Override '{key.Name}={text}': expected one of {string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))}.");
        }
        throw new ScenarioException($"Override '{key.Name}={text}': expected {Describe(type)}.");
    }

    private static string Describe(Type type) =>
        type == typeof(int) || type == typeof(long) ? "an integer"
        : type == typeof(double) ? "a number (e.g. 0.5)"
        : type == typeof(bool) ? "true or false"
        : type.Name;
}
