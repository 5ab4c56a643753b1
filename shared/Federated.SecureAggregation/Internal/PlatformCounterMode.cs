using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Federated.SecureAggregation;

/// <summary>
/// The same AES-128-CTR stream as <see cref="AesNiCounterMode"/> through the platform's AES, for
/// machines without AES-NI (ARM phones and boards, where OpenSSL or the OS uses the ARMv8 AES
/// instructions): ECB over counter blocks written into a buffer, in 1 MB chunks, since each
/// EncryptEcb call costs ~30 µs of set-up (64 KB chunks ran at 1.4 GB/s, 1 MB ones at about 3).
/// The two chunk buffers are reused; not thread-safe.
/// </summary>
internal sealed class PlatformCounterMode : IDisposable
{
    public const int ChunkWords = ChunkBytes / sizeof(uint);
    private const int ChunkBytes = 1024 * 1024;
    private const int BlockBytes = 16;

    private readonly System.Security.Cryptography.Aes _aes = System.Security.Cryptography.Aes.Create();
    private readonly byte[] _counters = new byte[ChunkBytes];
    private readonly byte[] _stream = new byte[ChunkBytes];

    public void Apply<TOperation>(ReadOnlySpan<byte> key, Span<uint> target, ulong firstBlock)
        where TOperation : struct, IMaskOperation
    {
        _aes.SetKey(key);
        ulong counter = firstBlock;
        for (int start = 0; start < target.Length; start += ChunkWords)
        {
            int words = Math.Min(ChunkWords, target.Length - start);
            int bytes = (words + 3) / 4 * BlockBytes;
            var counters = _counters.AsSpan(0, bytes);
            // Only the low 8 bytes of each block change; the high 8 stay zero from allocation.
            for (int offset = 0; offset < bytes; offset += BlockBytes)
                BinaryPrimitives.WriteUInt64LittleEndian(counters.Slice(offset, 8), counter++);
            var stream = _stream.AsSpan(0, bytes);
            _aes.EncryptEcb(counters, stream, PaddingMode.None);
            var keystream = MemoryMarshal.Cast<byte, uint>(stream)[..words];
            if (!BitConverter.IsLittleEndian) BinaryPrimitives.ReverseEndianness(keystream, keystream);
            Combine<TOperation>(target.Slice(start, words), keystream);
        }
    }

    private static void Combine<TOperation>(Span<uint> target, ReadOnlySpan<uint> keystream)
        where TOperation : struct, IMaskOperation
    {
        ref uint t = ref MemoryMarshal.GetReference(target);
        ref uint k = ref MemoryMarshal.GetReference(keystream);
        int i = 0;
        for (; i + 4 <= target.Length; i += 4)
            TOperation.Apply(Vector128.LoadUnsafe(ref t, (nuint)i), Vector128.LoadUnsafe(ref k, (nuint)i)).StoreUnsafe(ref t, (nuint)i);
        for (; i < target.Length; i++) target[i] = TOperation.Apply(target[i], keystream[i]);
    }

    public void Dispose()
    {
        _aes.Dispose();
        CryptographicOperations.ZeroMemory(_stream);
    }
}
