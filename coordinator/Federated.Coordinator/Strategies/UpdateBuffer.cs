using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Federated.Coordinator.Strategies;

/// <summary>
/// Holds every accepted update of a round for the robust rules, which need them all at once. Updates
/// stay in memory (rented arrays) while they fit under a byte limit; later ones go to a temporary file
/// opened with <see cref="FileOptions.DeleteOnClose"/>. Both kinds are read the same way, a coordinate
/// block at a time, so the rules work in O(block × updates) memory beyond what is held here.
/// Updates are indexed in arrival order: the in-memory ones first, then the spilled ones.
/// </summary>
internal sealed class UpdateBuffer : IDisposable
{
    private readonly long _memoryLimitBytes;
    private readonly string _spillDirectory;
    private readonly List<float[]> _inMemory = [];
    private readonly List<long> _exampleCounts = [];
    private SafeFileHandle? _spill;
    private int _spilled;
    private bool _disposed;

    public UpdateBuffer(int length, long memoryLimitBytes, string? spillDirectory = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfNegative(memoryLimitBytes);
        Length = length;
        _memoryLimitBytes = memoryLimitBytes;
        _spillDirectory = spillDirectory ?? Path.GetTempPath();
    }

    /// <summary>Default floats the rules gather per coordinate block, over all updates (4 MiB).</summary>
    public const int DefaultBlockBudget = 1 << 20;

    /// <summary>Floats the rules gather per coordinate block, over all updates; small values test block edges.</summary>
    public int BlockBudget { get; init; } = DefaultBlockBudget;

    /// <summary>Values per update.</summary>
    public int Length { get; }

    public int Count => _inMemory.Count + _spilled;

    /// <summary>Updates written to the temporary file.</summary>
    public int SpilledCount => _spilled;

    private long UpdateBytes => (long)Length * sizeof(float);

    public long ExampleCount(int index) => _exampleCounts[index];

    public void Add(ReadOnlySpan<float> delta, long exampleCount)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (delta.Length != Length)
            throw new ArgumentException($"The update has {delta.Length} values; the model has {Length}.", nameof(delta));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exampleCount);
        // Once one update spilled, all later ones do, so spilled indices follow the in-memory ones.
        if (_spill is null && (_inMemory.Count + 1) * UpdateBytes <= _memoryLimitBytes)
        {
            float[] copy = ArrayPool<float>.Shared.Rent(Length);
            delta.CopyTo(copy);
            _inMemory.Add(copy);
        }
        else
        {
            _spill ??= File.OpenHandle(
                Path.Combine(_spillDirectory, $"federated-updates-{Guid.NewGuid():N}.bin"),
                FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
            // Native byte order: the file never leaves this process.
            RandomAccess.Write(_spill, MemoryMarshal.AsBytes(delta), _spilled * UpdateBytes);
            _spilled++;
        }
        _exampleCounts.Add(exampleCount);
    }

    /// <summary>
    /// Values [<paramref name="start"/>, start + scratch.Length) of update <paramref name="index"/>: a view of
    /// the held array when in memory, else read from the file into <paramref name="scratch"/>.
    /// </summary>
    public ReadOnlySpan<float> Read(int index, int start, Span<float> scratch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        if ((uint)start > (uint)Length || scratch.Length > Length - start)
            throw new ArgumentOutOfRangeException(nameof(start), $"The block [{start}, {start + scratch.Length}) lies outside the update's {Length} values.");
        if (index < _inMemory.Count) return _inMemory[index].AsSpan(start, scratch.Length);

        var bytes = MemoryMarshal.AsBytes(scratch);
        long offset = (index - _inMemory.Count) * UpdateBytes + (long)start * sizeof(float);
        while (!bytes.IsEmpty)
        {
            int read = RandomAccess.Read(_spill!, bytes, offset);
            if (read == 0)
                throw new IOException($"The temporary update file ended early while reading update {index}.");
            bytes = bytes[read..];
            offset += read;
        }
        return scratch;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (float[] array in _inMemory) ArrayPool<float>.Shared.Return(array);
        _inMemory.Clear();
        _spill?.Dispose();
        _spill = null;
    }
}
