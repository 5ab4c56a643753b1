using System.Globalization;

namespace Federated.Shared.Data;

/// <summary>
/// Reads tabular data from CSV with a header row: one column holds the class label, every other
/// column is a numeric feature (invariant culture, so '.' is the decimal point everywhere).
/// Labels that are all non-negative integers are used as class indices 0..max; otherwise each
/// distinct label text is a class, numbered in ordinal sort order so every client that sees the
/// same label set numbers it the same way.
/// </summary>
public static class CsvDatasetReader
{
    public static CsvDataset Read(string path, string labelColumn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var reader = new StreamReader(path);
        return Read(reader, labelColumn, path);
    }

    /// <summary>Reads from <paramref name="reader"/>; <paramref name="source"/> names the input in errors.</summary>
    public static CsvDataset Read(TextReader reader, string labelColumn, string source = "CSV input")
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentException.ThrowIfNullOrWhiteSpace(labelColumn);
        var fields = new List<Range>();

        int lineNumber = 0;
        string? header = NextLine(reader, ref lineNumber);
        if (header is null)
            throw new InvalidDataException($"'{source}' is empty; it needs a header row naming the columns.");
        CsvFields.Split(header, fields, source, lineNumber);
        var columns = new string[fields.Count];
        for (int i = 0; i < columns.Length; i++) columns[i] = CsvFields.Text(header, fields[i]);
        int labelIndex = Array.IndexOf(columns, labelColumn.Trim());
        if (labelIndex < 0)
            throw new ArgumentException($"'{source}' has no column '{labelColumn}'. Its columns are: {string.Join(", ", columns)}.", nameof(labelColumn));
        if (columns.Length < 2)
            throw new InvalidDataException($"'{source}' has only the label column '{labelColumn}'; at least one feature column is needed.");

        var featureNames = new string[columns.Length - 1];
        for (int c = 0, f = 0; c < columns.Length; c++)
        {
            if (c != labelIndex) featureNames[f++] = columns[c];
        }

        var features = new List<float>();
        var labelTexts = new List<string>();
        string? line;
        while ((line = NextLine(reader, ref lineNumber)) is not null)
        {
            CsvFields.Split(line, fields, source, lineNumber);
            if (fields.Count != columns.Length)
                throw new InvalidDataException($"'{source}' line {lineNumber} has {fields.Count} fields but the header has {columns.Length}.");
            for (int c = 0; c < columns.Length; c++)
            {
                if (c == labelIndex)
                {
                    labelTexts.Add(CsvFields.Text(line, fields[c]));
                    continue;
                }
                ReadOnlySpan<char> text = line.AsSpan(fields[c]).Trim();
                if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
                    throw new InvalidDataException($"'{source}' line {lineNumber}, column '{columns[c]}': '{text}' is not a finite number.");
                features.Add(value);
            }
        }
        if (labelTexts.Count == 0)
            throw new InvalidDataException($"'{source}' has a header but no data rows.");

        var (labels, classNames) = CsvLabels.Encode(labelTexts);
        var data = new LabeledDataset(features.ToArray(), labels, [featureNames.Length], classNames.Length);
        return new CsvDataset(data, featureNames, classNames);
    }

    /// <summary>The next non-blank line, counting every physical line for error messages.</summary>
    private static string? NextLine(TextReader reader, ref int lineNumber)
    {
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line)) return line;
        }
        return null;
    }
}
