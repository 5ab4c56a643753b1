namespace Federated.Shared.Data;

/// <summary>
/// Splits one CSV line into field ranges following RFC 4180 §2: comma-separated, a field may
/// be enclosed in double quotes, and a quote inside a quoted field is written twice. Fields
/// spanning lines are not supported (tabular feature files do not use them). Ranges, not
/// strings, so numeric fields parse straight from the line without allocating.
/// </summary>
internal static class CsvFields
{
    /// <summary>Fills <paramref name="fields"/> with the content range of each field of <paramref name="line"/>.</summary>
    public static void Split(string line, List<Range> fields, string source, int lineNumber)
    {
        fields.Clear();
        int position = 0;
        while (true)
        {
            if (position < line.Length && line[position] == '"')
            {
                int start = position + 1;
                int end = start;
                while (true)
                {
                    if (end >= line.Length)
                        throw new InvalidDataException($"'{source}' line {lineNumber}: a quoted field starting at character {start} is not closed.");
                    if (line[end] == '"')
                    {
                        if (end + 1 < line.Length && line[end + 1] == '"') { end += 2; continue; }
                        break;
                    }
                    end++;
                }
                fields.Add(start..end);
                position = end + 1;
                if (position < line.Length && line[position] != ',')
                    throw new InvalidDataException($"'{source}' line {lineNumber}: unexpected text after the closing quote at character {position}.");
            }
            else
            {
                int comma = line.IndexOf(',', position);
                int end = comma < 0 ? line.Length : comma;
                fields.Add(position..end);
                position = end;
            }
            if (position >= line.Length) return;
            position++; // skip the comma; a trailing comma yields one more, empty, field
            if (position == line.Length) { fields.Add(position..position); return; }
        }
    }

    /// <summary>The field's text, trimmed, with doubled quotes undone.</summary>
    public static string Text(string line, Range field)
    {
        string text = line[field].Trim();
        return text.Contains("\"\"", StringComparison.Ordinal) ? text.Replace("\"\"", "\"", StringComparison.Ordinal) : text;
    }
}
