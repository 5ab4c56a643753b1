using System.Security.Cryptography;

namespace Federated.SecureAggregation;

/// <summary>
/// The mask streams to apply to one vector, each prepared once: its AES-128 round keys where AES-NI
/// runs (so no tile of <see cref="MaskGenerator.Apply"/> expands a key again), else its key, and
/// whether it is added or subtracted. Read-only once filled, so threads may share it. Dispose zeroes
/// the keys.
/// </summary>
internal sealed class MaskStreams : IDisposable
{
    private Aes128RoundKeys[] _roundKeys = [];
    private byte[] _keys = [];
    private bool[] _subtract = [];
    private bool _disposed;

    public int Count { get; private set; }

    /// <summary>Adds the stream of <paramref name="seed"/>, to be added to the target or subtracted from it.</summary>
    public void Add(ReadOnlySpan<byte> seed, bool subtract)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var key = MaskGenerator.KeyOf(seed);
        if (Count == _subtract.Length) Grow();
        if (Aes128RoundKeys.IsSupported) Aes128RoundKeys.Expand(key, out _roundKeys[Count]);
        else key.CopyTo(_keys.AsSpan(Count * Aes128RoundKeys.KeyBytes));
        _subtract[Count] = subtract;
        Count++;
    }

    public bool Subtracts(int stream) => _subtract[stream];

    /// <summary>The stream's round keys (AES-NI machines only).</summary>
    public ref readonly Aes128RoundKeys RoundKeys(int stream) => ref _roundKeys[stream];

    /// <summary>The stream's AES-128 key (machines without AES-NI only).</summary>
    public ReadOnlySpan<byte> Key(int stream) => _keys.AsSpan(stream * Aes128RoundKeys.KeyBytes, Aes128RoundKeys.KeyBytes);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Zero();
    }

    private void Grow()
    {
        int capacity = Math.Max(8, 2 * _subtract.Length);
        var roundKeys = _roundKeys;
        var keys = _keys;
        if (Aes128RoundKeys.IsSupported)
        {
            _roundKeys = new Aes128RoundKeys[capacity];
            roundKeys.AsSpan().CopyTo(_roundKeys);
        }
        else
        {
            _keys = new byte[capacity * Aes128RoundKeys.KeyBytes];
            keys.AsSpan().CopyTo(_keys);
        }
        Array.Resize(ref _subtract, capacity);
        for (int s = 0; s < roundKeys.Length; s++) Aes128RoundKeys.Clear(ref roundKeys[s]);
        CryptographicOperations.ZeroMemory(keys);
    }

    private void Zero()
    {
        for (int s = 0; s < _roundKeys.Length; s++) Aes128RoundKeys.Clear(ref _roundKeys[s]);
        CryptographicOperations.ZeroMemory(_keys);
    }
}
