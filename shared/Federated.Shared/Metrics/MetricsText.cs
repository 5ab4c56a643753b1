using System.Globalization;
using System.Text;

namespace Federated.Shared.Metrics;

/// <summary>Metrics as one log-friendly line: <c>loss=0.4321, accuracy=0.87</c> (invariant culture).</summary>
public static class MetricsText
{
    public static string Format(IEnumerable<KeyValuePair<string, double>> metrics, string? prefix = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var text = new StringBuilder(prefix);
        foreach (var (name, value) in metrics)
        {
            if (text.Length > 0) text.Append(", ");
            text.Append(CultureInfo.InvariantCulture, $"{name}={value:0.####}");
        }
        return text.ToString();
    }
}
