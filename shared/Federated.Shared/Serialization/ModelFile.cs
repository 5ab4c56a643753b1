using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Shared.Serialization;

/// <summary>
/// The Federated model file, version 1. All integers little-endian.
/// <code>
/// 0        8 bytes   magic "FEDMODEL"
/// 8        uint16    format version (1)
/// 10       uint16    flags (0; reserved)
/// 12       uint32    header length H
/// 16       H bytes   header, UTF-8 lines "key=value\n": round, architecture (may be empty),
///                    layout (ParameterLayout canonical text), floats, content-hash
/// 16+H     4·floats  payload: the parameters as float32
/// end-32   32 bytes  SHA-256 of every byte before it
/// </code>
/// The trailing checksum catches truncation and bit rot; the content hash in the header names
/// the parameters themselves (see <see cref="ModelContentHash"/>) so a reader can tell a sound
/// file of the wrong model from the right one.
/// </summary>
public static partial class ModelFile
{
    public const ushort FormatVersion = 1;
    private const int PreambleLength = 16;
    private const int ChecksumLength = 32;
    private static ReadOnlySpan<byte> Magic => "FEDMODEL"u8;

    /// <summary>
    /// The file as one array of exactly its length: a model-sized array is written once, not grown and
    /// copied (each copy of a large model is another large-object-heap allocation).
    /// </summary>
    public static byte[] ToBytes(ModelSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        byte[] header = HeaderBytes(snapshot);
        long length = PreambleLength + header.Length + (long)snapshot.Parameters.Length * sizeof(float) + ChecksumLength;
        if (length > Array.MaxLength)
            throw new ArgumentException($"A model file of {snapshot.Parameters.Length} parameters would take {length} bytes, more than one array holds.", nameof(snapshot));
        byte[] file = new byte[length];
        using var stream = new MemoryStream(file, writable: true);
        Write(stream, snapshot, header);
        return file;
    }

    /// <summary>Writes the file to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public static void WriteFile(string path, ModelSnapshot snapshot)
    {
        string temporary = path + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            Write(stream, snapshot);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    public static void Write(Stream destination, ModelSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(snapshot);
        Write(destination, snapshot, HeaderBytes(snapshot));
    }

    private static byte[] HeaderBytes(ModelSnapshot snapshot)
    {
        if (snapshot.Architecture is { } architecture && !architecture.Layout.Equals(snapshot.Parameters.Layout))
            throw new ArgumentException("The snapshot's parameters do not have its architecture's layout.", nameof(snapshot));
        return Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"round={snapshot.Round}\narchitecture={snapshot.Architecture?.ToCanonicalString()}\nlayout={snapshot.Parameters.Layout.ToCanonicalString()}\nfloats={snapshot.Parameters.Length}\ncontent-hash={snapshot.ContentHash}\n"));
    }

    private static void Write(Stream destination, ModelSnapshot snapshot, byte[] header)
    {
        Span<byte> preamble = stackalloc byte[PreambleLength];
        Magic.CopyTo(preamble);
        BinaryPrimitives.WriteUInt16LittleEndian(preamble[8..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(preamble[10..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(preamble[12..], (uint)header.Length);

        using var checksum = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        destination.Write(preamble);
        checksum.AppendData(preamble);
        destination.Write(header);
        checksum.AppendData(header);
        LittleEndianFloats.Write(destination, snapshot.Parameters.Values);
        LittleEndianFloats.Append(checksum, snapshot.Parameters.Values);
        destination.Write(checksum.GetHashAndReset());
    }

    public static ModelSnapshot ReadFile(string path, string? expectedContentHash = null)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException e)
        {
            throw new ModelFileException($"Model file '{path}' does not exist.", e);
        }
        return Read(bytes, expectedContentHash, path);
    }

    /// <summary>
    /// Reads a model file. With <paramref name="expectedContentHash"/>, a sound file of another
    /// model is an error too. <paramref name="source"/> only names the file in error messages.
    /// </summary>
    public static ModelSnapshot Read(ReadOnlySpan<byte> file, string? expectedContentHash = null, string source = "model file")
    {
        var header = ReadHeader(file, source);
        var parameters = new ParameterBuffer(header.Layout);
        LittleEndianFloats.Read(header.Payload(file), parameters.Values);
        var snapshot = new ModelSnapshot(header.Round, header.Architecture, parameters);
        CheckContentHash(snapshot.ContentHash, header, expectedContentHash, source);
        return snapshot;
    }

    /// <summary>
    /// Checks a model file's framing, checksum and header, and returns the header; its parameters are
    /// not read yet (see <see cref="ReadValues"/>). Throws <see cref="ModelFileException"/> as <see cref="Read"/> does.
    /// </summary>
    public static ModelFileHeader ReadHeader(ReadOnlySpan<byte> file, string source = "model file")
    {
        if (file.Length < PreambleLength + ChecksumLength)
            throw new ModelFileException($"{source} is truncated: {file.Length} bytes is shorter than any model file.");
        if (!file[..8].SequenceEqual(Magic))
            throw new ModelFileException($"{source} is not a Federated model file (its first bytes are not 'FEDMODEL').");
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(file[8..]);
        if (version != FormatVersion)
            throw new ModelFileException($"{source} has format version {version}; this build reads version {FormatVersion}.");
        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(file[12..]);
        if (headerLength > file.Length - PreambleLength - ChecksumLength)
            throw new ModelFileException($"{source} is truncated: its header alone claims {headerLength} bytes but the file has {file.Length}.");

        var body = file[..^ChecksumLength];
        Span<byte> actual = stackalloc byte[ChecksumLength];
        SHA256.HashData(body, actual);
        if (!actual.SequenceEqual(file[^ChecksumLength..]))
            throw new ModelFileException($"{source} is corrupt or truncated: its SHA-256 checksum does not match its contents.");

        var header = ParseHeader(Encoding.UTF8.GetString(file.Slice(PreambleLength, (int)headerLength)), source);
        ParameterLayout layout;
        ModelArchitecture? architecture = null;
        long round;
        int floats;
        try
        {
            round = long.Parse(header["round"], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            floats = int.Parse(header["floats"], NumberStyles.None, CultureInfo.InvariantCulture);
            layout = ParameterLayout.Parse(header["layout"]);
            if (header["architecture"].Length > 0) architecture = ModelArchitecture.Parse(header["architecture"]);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new ModelFileException($"{source} has an invalid header: {e.Message}", e);
        }

        if (floats != layout.TotalLength)
            throw new ModelFileException($"{source} is inconsistent: its header says {floats} floats but its layout holds {layout.TotalLength}.");
        if (architecture is not null && !architecture.Layout.Equals(layout))
            throw new ModelFileException($"{source} is inconsistent: its layout is not the layout of its architecture '{architecture}'.");
        int payloadOffset = PreambleLength + (int)headerLength;
        int payloadLength = body.Length - payloadOffset;
        if (payloadLength != (long)floats * sizeof(float))
            throw new ModelFileException($"{source} is inconsistent: its payload has {payloadLength} bytes, {floats} floats need {(long)floats * sizeof(float)}.");
        return new ModelFileHeader(round, architecture, layout, header["content-hash"], payloadOffset, payloadLength);
    }

    private static void CheckContentHash(string actual, ModelFileHeader header, string? expectedContentHash, string source)
    {
        if (actual != header.ContentHash)
            throw new ModelFileException($"{source} is inconsistent: its parameters hash to {actual[..12]}…, its header claims {header.ContentHash}.");
        if (expectedContentHash is not null && !string.Equals(actual, expectedContentHash, StringComparison.OrdinalIgnoreCase))
            throw new ModelFileException($"{source} holds model {actual[..12]}…, not the expected {expectedContentHash}.");
    }

    private static Dictionary<string, string> ParseHeader(string text, string source)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                throw new ModelFileException($"{source} has a malformed header line '{line}'.");
            fields[line[..equals]] = line[(equals + 1)..];
        }
        foreach (string key in (ReadOnlySpan<string>)["round", "architecture", "layout", "floats", "content-hash"])
        {
            if (!fields.ContainsKey(key))
                throw new ModelFileException($"{source} has no '{key}' in its header.");
        }
        return fields;
    }
}
