using System.Globalization;
using System.Text.Json;

namespace Federated.Trust.Policy;

/// <summary>
/// Reads a site policy from JSON:
/// <code>
/// { "AllowedArchitectures": ["cnn"], "MaxRounds": 50, "MaxLocalEpochs": 5,
///   "RequireSecureAggregation": true, "RequireDifferentialPrivacy": true, "MinNoiseMultiplier": 0.8 }
/// </code>
/// Keys are matched case-insensitively; an unknown key, a wrong type or a bad value is an error
/// that names the file and the key (a typo must never silently loosen a site's rules).
/// </summary>
public static class SitePolicyFile
{
    /// <param name="canonicalArchitecture">
    /// Turns an <c>AllowedArchitectures</c> entry (a model name such as <c>cnn</c>, or an architecture
    /// text) into the canonical text that tasks carry; throws for an entry it does not understand.
    /// Without it entries are compared as written.
    /// </param>
    public static SitePolicy Load(string path, Func<string, string>? canonicalArchitecture = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"The site policy file '{path}' does not exist.", path);
        return Parse(File.ReadAllText(path), path, canonicalArchitecture);
    }

    /// <param name="source">Names the policy in errors (its path).</param>
    public static SitePolicy Parse(string json, string source, Func<string, string>? canonicalArchitecture = null)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new FormatException($"The site policy '{source}' is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new FormatException($"The site policy '{source}' must be a JSON object of rules.");
            var architectures = new List<string>();
            long maxRounds = 0;
            int maxEpochs = 0;
            bool secure = false, dp = false;
            double minNoise = 0;
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var rule in document.RootElement.EnumerateObject())
            {
                // A second copy of a rule would silently override the first: refuse it.
                if (!seen.Add(rule.Name)) throw Bad(source, rule.Name, "appears more than once");
                switch (rule.Name.ToUpperInvariant())
                {
                    case "ALLOWEDARCHITECTURES":
                        architectures = ReadArchitectures(rule, source, canonicalArchitecture);
                        break;
                    case "MAXROUNDS":
                        maxRounds = ReadNonNegative(rule, source, long.MaxValue);
                        break;
                    case "MAXLOCALEPOCHS":
                        maxEpochs = (int)ReadNonNegative(rule, source, int.MaxValue);
                        break;
                    case "REQUIRESECUREAGGREGATION":
                        secure = ReadBoolean(rule, source);
                        break;
                    case "REQUIREDIFFERENTIALPRIVACY":
                        dp = ReadBoolean(rule, source);
                        break;
                    case "MINNOISEMULTIPLIER":
                        if (rule.Value.ValueKind != JsonValueKind.Number || !rule.Value.TryGetDouble(out minNoise) || !double.IsFinite(minNoise) || minNoise < 0)
                            throw Bad(source, rule.Name, "must be a non-negative number");
                        break;
                    default:
                        throw Bad(source, rule.Name, "is not a site policy rule (known: AllowedArchitectures, MaxRounds, MaxLocalEpochs, RequireSecureAggregation, RequireDifferentialPrivacy, MinNoiseMultiplier)");
                }
            }
            return new SitePolicy
            {
                AllowedArchitectures = architectures,
                MaxRounds = maxRounds,
                MaxLocalEpochs = maxEpochs,
                RequireSecureAggregation = secure,
                RequireDifferentialPrivacy = dp,
                MinNoiseMultiplier = minNoise,
            };
        }
    }

    private static List<string> ReadArchitectures(JsonProperty rule, string source, Func<string, string>? canonical)
    {
        if (rule.Value.ValueKind != JsonValueKind.Array) throw Bad(source, rule.Name, "must be an array of model names or architecture texts");
        var list = new List<string>();
        int index = 0;
        foreach (var entry in rule.Value.EnumerateArray())
        {
            string key = string.Create(CultureInfo.InvariantCulture, $"{rule.Name}[{index++}]");
            if (entry.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(entry.GetString()))
                throw Bad(source, key, "must be a non-empty string");
            string text = entry.GetString()!;
            if (canonical is null)
            {
                list.Add(text);
                continue;
            }
            try
            {
                list.Add(canonical(text));
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or KeyNotFoundException)
            {
                throw new FormatException($"The site policy '{source}': {key} '{text}' is not a known model or architecture: {e.Message}", e);
            }
        }
        return list;
    }

    private static long ReadNonNegative(JsonProperty rule, string source, long max)
    {
        if (rule.Value.ValueKind != JsonValueKind.Number || !rule.Value.TryGetInt64(out long value) || value < 0 || value > max)
            throw Bad(source, rule.Name, "must be a non-negative whole number (0 = no limit)");
        return value;
    }

    private static bool ReadBoolean(JsonProperty rule, string source) => rule.Value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Bad(source, rule.Name, "must be true or false"),
    };

    private static FormatException Bad(string source, string key, string problem) => new($"The site policy '{source}': {key} {problem}.");
}
