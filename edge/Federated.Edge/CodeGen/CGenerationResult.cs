namespace Federated.Edge.CodeGen;

/// <summary>The generated C files of one model and what the model costs.</summary>
public sealed record CGenerationResult(
    string Name,
    string HeaderFileName,
    string HeaderText,
    string SourceFileName,
    string SourceText,
    CModelReport Report)
{
    /// <summary>Writes both files into <paramref name="directory"/> (created if missing); returns their paths.</summary>
    public (string HeaderPath, string SourcePath) WriteTo(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        string header = Path.Combine(directory, HeaderFileName);
        string source = Path.Combine(directory, SourceFileName);
        File.WriteAllText(header, HeaderText);
        File.WriteAllText(source, SourceText);
        return (header, source);
    }
}
