using Federated.Shared.Serialization;

namespace Federated.Edge.Cli;

/// <summary>Tells the two kinds of model file the CLI reads apart, and reads Federated model files with their checks.</summary>
internal static class ModelFiles
{
    /// <summary>Whether <paramref name="path"/> is a Federated model file (magic "FEDMODEL") rather than ONNX.</summary>
    public static bool IsFederatedModel(string path)
    {
        RequireFile(path, "Model file");
        Span<byte> magic = stackalloc byte[8];
        using var file = File.OpenRead(path);
        return file.ReadAtLeast(magic, 8, throwOnEndOfStream: false) == 8 && magic.SequenceEqual("FEDMODEL"u8);
    }

    /// <summary>
    /// Reads a checkpoint (checksum, content hash and, when given, the expected hash all checked) that
    /// records its architecture: exporters need it to know the layers.
    /// </summary>
    public static ModelSnapshot ReadSnapshot(string path, string? expectedContentHash = null)
    {
        RequireFile(path, "Model file");
        var snapshot = ModelFile.ReadFile(path, expectedContentHash);
        if (snapshot.Architecture is null)
            throw new CliException($"Model file '{path}' records no architecture, so its layers are unknown; export a checkpoint written by a coordinator or trainer that records it.");
        return snapshot;
    }

    public static byte[] ReadOnnx(string path)
    {
        RequireFile(path, "ONNX model");
        return File.ReadAllBytes(path);
    }

    public static void RequireFile(string path, string what)
    {
        if (!File.Exists(path)) throw new CliException($"{what} '{path}' does not exist.");
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> through a temporary file, creating its folder.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> bytes)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        string temporary = path + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
            stream.Write(bytes);
        File.Move(temporary, path, overwrite: true);
    }
}
