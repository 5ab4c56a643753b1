using System.Buffers.Binary;

namespace Federated.Shared.Data;

/// <summary>Header and body parsing, with errors that say what was expected and what was found.</summary>
public static partial class IdxReader
{
    private static void ReadHeader(Stream stream, string source, int expectedMagic, string kind, Span<int> dims)
    {
        Span<byte> header = stackalloc byte[4 * 4];
        int headerLength = 4 * (1 + dims.Length);
        Fill(stream, source, header[..4], "the 4-byte magic number");
        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != expectedMagic)
            throw new InvalidDataException(
                $"'{source}' is not an IDX {kind} file: its magic number is 0x{magic:X8}, expected 0x{expectedMagic:X8} " +
                $"(unsigned bytes, {dims.Length} dimension{(dims.Length == 1 ? "" : "s")}).{Hint(magic)}");
        Fill(stream, source, header[4..headerLength], $"the {dims.Length} dimension size{(dims.Length == 1 ? "" : "s")} of the header");
        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(header[(4 + 4 * i)..]);
            if (dims[i] <= 0)
                throw new InvalidDataException($"'{source}' declares a non-positive size {dims[i]} for dimension {i}.");
        }
    }

    private static string Hint(int magic) => magic switch
    {
        ImagesMagic => " It looks like an image file.",
        LabelsMagic => " It looks like a label file.",
        _ when (magic >>> 16) == 0x1f8b => " It looks gzip-compressed; open it with IdxReader.OpenMaybeCompressed.",
        _ => "",
    };

    private static byte[] ReadBody(Stream stream, string source, long length, string what)
    {
        if (length > Array.MaxLength)
            throw new InvalidDataException($"'{source}' declares {what} ({length} bytes), more than one array can hold.");
        var body = new byte[length];
        Fill(stream, source, body, $"{what} ({length} bytes)");
        return body;
    }

    private static void Fill(Stream stream, string source, Span<byte> destination, string what)
    {
        int read;
        try
        {
            read = stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            // GZipStream reports a damaged compressed stream this way; say which file it was.
            throw new InvalidDataException($"'{source}' is damaged: {e.Message}", e);
        }
        if (read < destination.Length)
            throw new InvalidDataException($"'{source}' is truncated: it ends after {read} of the {destination.Length} bytes of {what}.");
    }
}
