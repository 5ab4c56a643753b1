using System.Globalization;

namespace Federated.Shared.Data;

/// <summary>Turns label texts into class indices (see <see cref="CsvDatasetReader"/> for the rule).</summary>
internal static class CsvLabels
{
    public static (int[] Labels, string[] ClassNames) Encode(List<string> texts)
    {
        var labels = new int[texts.Count];
        if (TryIntegers(texts, labels, out int max))
        {
            var names = new string[max + 1];
            for (int k = 0; k < names.Length; k++) names[k] = k.ToString(CultureInfo.InvariantCulture);
            return (labels, names);
        }

        var distinct = new SortedSet<string>(texts, StringComparer.Ordinal);
        var classNames = new string[distinct.Count];
        distinct.CopyTo(classNames);
        var index = new Dictionary<string, int>(classNames.Length, StringComparer.Ordinal);
        for (int k = 0; k < classNames.Length; k++) index[classNames[k]] = k;
        for (int i = 0; i < labels.Length; i++) labels[i] = index[texts[i]];
        return (labels, classNames);
    }

    private static bool TryIntegers(List<string> texts, int[] labels, out int max)
    {
        max = -1;
        for (int i = 0; i < texts.Count; i++)
        {
            if (!int.TryParse(texts[i], NumberStyles.None, CultureInfo.InvariantCulture, out labels[i])) return false;
            max = Math.Max(max, labels[i]);
        }
        return true;
    }
}
