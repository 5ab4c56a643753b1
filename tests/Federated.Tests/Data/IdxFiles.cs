using System.Buffers.Binary;
using System.IO.Compression;

namespace Federated.Tests.Data;

/// <summary>Writes tiny IDX files for tests, raw or gzip-compressed.</summary>
internal static class IdxFiles
{
    public static byte[] Images(int count, int rows, int columns, byte[] pixels) =>
        [.. Header(0x00000803, count, rows, columns), .. pixels];

    public static byte[] Labels(byte[] labels) =>
        [.. Header(0x00000801, labels.Length), .. labels];

    public static void Write(string path, byte[] content, bool gzip)
    {
        if (!gzip)
        {
            File.WriteAllBytes(path, content);
            return;
        }
        using var file = File.Create(path);
        using var zip = new GZipStream(file, CompressionLevel.Fastest);
        zip.Write(content);
    }

    private static byte[] Header(int magic, params int[] dims)
    {
        var header = new byte[4 * (1 + dims.Length)];
        BinaryPrimitives.WriteInt32BigEndian(header, magic);
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), dims[i]);
        return header;
    }
}

/// <summary>A fresh temporary directory per test, removed afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("federated-tests-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
