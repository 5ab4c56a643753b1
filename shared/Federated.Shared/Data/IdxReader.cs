using System.IO.Compression;

namespace Federated.Shared.Data;

/// <summary>
/// Reads IDX files, the format LeCun, Cortes and Burges published MNIST in
/// (http://yann.lecun.com/exdb/mnist/, "FILE FORMATS FOR THE MNIST DATABASE") and that
/// Fashion-MNIST reuses: a big-endian header (magic = 0x0000 | type | rank, then one int32
/// per dimension) followed by the values, row-major. Only unsigned bytes (type 0x08) are
/// supported, which is what both datasets use. Files may be gzip-compressed; that is detected
/// from the gzip magic bytes 1f 8b (RFC 1952 §2.3.1), not from the file name.
/// </summary>
public static partial class IdxReader
{
    /// <summary>Magic of an unsigned-byte IDX file with three dimensions (images N×rows×cols).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic of an unsigned-byte IDX file with one dimension (labels N).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads an image file: N images of rows×cols unsigned bytes.</summary>
    public static IdxImages ReadImages(string path)
    {
        using var stream = OpenMaybeCompressed(path);
        return ReadImages(stream, path);
    }

    /// <summary>Reads an image file from an uncompressed stream; <paramref name="source"/> names it in errors.</summary>
    public static IdxImages ReadImages(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<int> dims = stackalloc int[3];
        ReadHeader(stream, source, ImagesMagic, "image", dims);
        long total = (long)dims[0] * dims[1] * dims[2];
        byte[] pixels = ReadBody(stream, source, total, $"{dims[0]} images of {dims[1]}x{dims[2]} pixels");
        return new IdxImages(dims[0], dims[1], dims[2], pixels);
    }

    /// <summary>Reads a label file: N unsigned bytes.</summary>
    public static byte[] ReadLabels(string path)
    {
        using var stream = OpenMaybeCompressed(path);
        return ReadLabels(stream, path);
    }

    /// <summary>Reads a label file from an uncompressed stream; <paramref name="source"/> names it in errors.</summary>
    public static byte[] ReadLabels(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<int> dims = stackalloc int[1];
        ReadHeader(stream, source, LabelsMagic, "label", dims);
        return ReadBody(stream, source, dims[0], $"{dims[0]} labels");
    }

    /// <summary>Opens <paramref name="path"/>, decompressing on the fly when it starts with the gzip magic.</summary>
    public static Stream OpenMaybeCompressed(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        try
        {
            Span<byte> head = stackalloc byte[2];
            int read = file.ReadAtLeast(head, 2, throwOnEndOfStream: false);
            file.Position = 0;
            bool gzip = read == 2 && head[0] == 0x1f && head[1] == 0x8b;
            return gzip ? new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16) : file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }
}
