using System.Globalization;
using Federated.Shared.Data;

namespace Federated.Edge.Cli.Inputs;

/// <summary>
/// CSV examples: with a label column, the shared reader (header required, labels as classes); without,
/// numeric rows only, a first row that is not numeric being taken for a header.
/// </summary>
internal static class CsvInput
{
    public static InputBatch Read(string path, string? labelColumn)
    {
        if (labelColumn is not null)
        {
            var data = CsvDatasetReader.Read(path, labelColumn).Data;
            return new InputBatch(data.Features.ToArray(), data.Count, data.FeaturesPerExample, data.Labels.ToArray(), path);
        }

        var values = new List<float>();
        int columns = -1;
        int rows = 0;
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            string[] fields = line.Split(',');
            bool numeric = float.TryParse(fields[0].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _);
            if (!numeric && rows == 0 && columns < 0)
            {
                columns = fields.Length;
                continue;
            }
            if (columns >= 0 && fields.Length != columns)
                throw new CliException(string.Create(CultureInfo.InvariantCulture,
                    $"CSV input '{path}' line {lineNumber} has {fields.Length} fields; earlier rows have {columns}."));
            columns = fields.Length;
            foreach (string field in fields)
            {
                if (!float.TryParse(field.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
                    throw new CliException($"CSV input '{path}' line {lineNumber.ToString(CultureInfo.InvariantCulture)} has '{field}', which is not a number (give --label-column if a column holds labels).");
                values.Add(value);
            }
            rows++;
        }
        return new InputBatch([.. values], rows, Math.Max(columns, 0), null, path);
    }
}
