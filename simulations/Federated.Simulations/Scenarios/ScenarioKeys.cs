using System.Reflection;
using System.Text.Json;

namespace Federated.Simulations.Scenarios;

/// <summary>The settable dotted keys of a <see cref="SimulationScenario"/> (e.g. <c>partition.alpha</c>), found by reflection.</summary>
internal static class ScenarioKeys
{
    /// <summary>One settable leaf: its dotted camelCase key, the JSON names along the way and its CLR type.</summary>
    public sealed record Key(string Name, IReadOnlyList<string> JsonPath, Type Type);

    private static readonly Lazy<IReadOnlyList<Key>> LazyAll = new(() => Collect(typeof(SimulationScenario), [], []));

    public static IReadOnlyList<Key> All => LazyAll.Value;

    /// <summary>The key matching <paramref name="name"/> case-insensitively, or null.</summary>
    public static Key? Find(string name) =>
        All.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase));

    private static List<Key> Collect(Type type, List<string> prefix, List<Key> keys)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is not { IsPublic: true }) continue;
            string json = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            List<string> path = [.. prefix, json];
            if (IsLeaf(property.PropertyType))
                keys.Add(new Key(string.Join('.', path), path, property.PropertyType));
            else
                Collect(property.PropertyType, path, keys);
        }
        return keys;
    }

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal);
}
