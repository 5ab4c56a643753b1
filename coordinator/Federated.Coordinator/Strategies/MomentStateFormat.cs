using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Federated.Coordinator.Strategies;

/// <summary>
/// Encodes a server optimizer's moment vectors. Little-endian throughout:
/// <code>
/// offset 0  byte    format version (1)
/// offset 1  byte    algorithm (1 FedAvgM, 2 FedAdagrad, 3 FedAdam, 4 FedYogi)
/// offset 2  byte    moment vectors k (1: m; 2: m then v)
/// offset 3  byte    reserved, 0
/// offset 4  int32   element count n per vector
/// offset 8  float32 k × n values, vector after vector
/// </code>
/// </summary>
public static class MomentStateFormat
{
    public const byte Version = 1;

    public const int HeaderBytes = 8;

    internal static byte[] Write(byte algorithm, float[][] moments)
    {
        int length = moments[0].Length;
        var bytes = new byte[HeaderBytes + (long)moments.Length * length * sizeof(float)];
        bytes[0] = Version;
        bytes[1] = algorithm;
        bytes[2] = (byte)moments.Length;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), length);
        var body = bytes.AsSpan(HeaderBytes);
        foreach (float[] moment in moments)
        {
            var target = body[..(length * sizeof(float))];
            if (BitConverter.IsLittleEndian)
                MemoryMarshal.AsBytes(moment.AsSpan()).CopyTo(target);
            else
                for (int i = 0; i < length; i++) BinaryPrimitives.WriteSingleLittleEndian(target[(i * sizeof(float))..], moment[i]);
            body = body[target.Length..];
        }
        return bytes;
    }

    internal static float[][] Read(ReadOnlySpan<byte> state, byte algorithm, int momentCount, string strategy)
    {
        if (state.Length < HeaderBytes)
            throw new ArgumentException($"{strategy} state has {state.Length} bytes, fewer than its {HeaderBytes}-byte header.", nameof(state));
        if (state[0] != Version)
            throw new ArgumentException($"{strategy} state has format version {state[0]}; this coordinator reads version {Version}.", nameof(state));
        if (state[1] != algorithm || state[2] != momentCount)
            throw new ArgumentException($"The state is of algorithm {state[1]} with {state[2]} moment vectors, not {strategy}'s (algorithm {algorithm}, {momentCount} vectors).", nameof(state));
        int length = BinaryPrimitives.ReadInt32LittleEndian(state[4..]);
        long expected = HeaderBytes + (long)momentCount * Math.Max(length, 0) * sizeof(float);
        if (length <= 0 || state.Length != expected)
            throw new ArgumentException($"{strategy} state declares {length} elements per moment vector, so it should be {expected} bytes long, but it has {state.Length}.", nameof(state));
        var moments = new float[momentCount][];
        var body = state[HeaderBytes..];
        for (int k = 0; k < momentCount; k++)
        {
            moments[k] = new float[length];
            var source = body[..(length * sizeof(float))];
            if (BitConverter.IsLittleEndian)
                source.CopyTo(MemoryMarshal.AsBytes(moments[k].AsSpan()));
            else
                for (int i = 0; i < length; i++) moments[k][i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * sizeof(float))..]);
            body = body[source.Length..];
        }
        return moments;
    }
}
