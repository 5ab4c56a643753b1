using System.Globalization;
using System.Text;

namespace Federated.Simulations.Partitioning;

/// <summary>Text and CSV output of a <see cref="LabelHistogram"/>.</summary>
public sealed partial class LabelHistogram
{
    /// <summary>A few lines for a console or a report.</summary>
    public string ToSummaryText()
    {
        var text = new StringBuilder();
        IFormatProvider f = CultureInfo.InvariantCulture;
        text.AppendLine(f, $"{ClientCount:N0} clients, {ClassCount} labels, {TotalExamples:N0} examples");
        text.AppendLine(f, $"examples per client: min {MinExamples:N0}, median {MedianExamples:N1}, max {MaxExamples:N0}");
        text.AppendLine(f, $"distinct labels per client: min {MinDistinctLabels}, mean {MeanDistinctLabels:F2}, max {MaxDistinctLabels}");
        text.Append(f, $"dominant label share: mean {MeanDominantShare:F3}, max {MaxDominantShare:F3}");
        return text.ToString();
    }

    /// <summary>Writes <c>client,total,label_0,…,label_{K−1}</c> with one row per client.</summary>
    public void WriteCsv(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        WriteCsv(writer);
    }

    /// <summary>Writes the CSV to <paramref name="writer"/>.</summary>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("client,total");
        for (int k = 0; k < ClassCount; k++)
        {
            writer.Write(",label_");
            writer.Write(k.ToString(CultureInfo.InvariantCulture));
        }
        writer.Write('\n');
        for (int j = 0; j < ClientCount; j++)
        {
            writer.Write(j.ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(_totals[j].ToString(CultureInfo.InvariantCulture));
            foreach (int count in ClientCounts(j))
            {
                writer.Write(',');
                writer.Write(count.ToString(CultureInfo.InvariantCulture));
            }
            writer.Write('\n');
        }
    }
}
