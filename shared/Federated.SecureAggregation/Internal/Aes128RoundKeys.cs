using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Federated.SecureAggregation;

/// <summary>
/// The 11 round keys of AES-128 (FIPS-197 §5.2, KeyExpansion with Nk = 4), expanded with AES-NI.
/// AESKEYGENASSIST puts SubWord(RotWord(w3)) ⊕ Rcon in the top word of its result; the rest of one
/// expansion step is w0..w3 each XORed with every word before it (a prefix XOR, three byte shifts)
/// and then with that top word. A fixed-size value: it lives on the stack or inline in an array, so
/// preparing a stream allocates nothing. Call <see cref="Clear"/> when done (round keys give the key).
/// </summary>
[InlineArray(Count)]
internal struct Aes128RoundKeys
{
    public const int Count = 11;
    public const int KeyBytes = 16;

#pragma warning disable IDE0044, IDE0051 // the element of an inline array: written through the indexer
    private Vector128<byte> _first;
#pragma warning restore IDE0044, IDE0051

    /// <summary>Whether this machine has AES-NI (x86); elsewhere the platform AES stands in.</summary>
    public static bool IsSupported => X86Aes.IsSupported;

    public static void Expand(ReadOnlySpan<byte> key, out Aes128RoundKeys keys)
    {
        if (!IsSupported) throw new PlatformNotSupportedException("AES-NI is not available.");
        if (key.Length != KeyBytes) throw new ArgumentException($"An AES-128 key is {KeyBytes} bytes (was {key.Length}).", nameof(key));
        // Rcon must be an immediate operand, hence one line per round.
        var w = Vector128.Create(key);
        keys = default;
        keys[0] = w;
        keys[1] = w = Step(w, X86Aes.KeygenAssist(w, 0x01));
        keys[2] = w = Step(w, X86Aes.KeygenAssist(w, 0x02));
        keys[3] = w = Step(w, X86Aes.KeygenAssist(w, 0x04));
        keys[4] = w = Step(w, X86Aes.KeygenAssist(w, 0x08));
        keys[5] = w = Step(w, X86Aes.KeygenAssist(w, 0x10));
        keys[6] = w = Step(w, X86Aes.KeygenAssist(w, 0x20));
        keys[7] = w = Step(w, X86Aes.KeygenAssist(w, 0x40));
        keys[8] = w = Step(w, X86Aes.KeygenAssist(w, 0x80));
        keys[9] = w = Step(w, X86Aes.KeygenAssist(w, 0x1B));
        keys[10] = Step(w, X86Aes.KeygenAssist(w, 0x36));
    }

    /// <summary>Zeroes the round keys in a way the JIT cannot drop as a dead store.</summary>
    public static void Clear(ref Aes128RoundKeys keys) =>
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref keys[0], Count)));

    private static Vector128<byte> Step(Vector128<byte> previous, Vector128<byte> assist)
    {
        // Broadcast the top word (SubWord(RotWord(w3)) ⊕ Rcon) to all four.
        var t = Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte();
        var w = previous;
        w ^= Sse2.ShiftLeftLogical128BitLane(w, 4);
        w ^= Sse2.ShiftLeftLogical128BitLane(w, 4);
        w ^= Sse2.ShiftLeftLogical128BitLane(w, 4);
        return w ^ t;
    }
}
