using System.Text.Json;
using System.Text.Json.Serialization;

namespace Federated.Simulations.Reporting;

/// <summary>JSON options of the report files: camelCase, indented, NaN written as a string rather than refused.</summary>
internal static class ReportJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
