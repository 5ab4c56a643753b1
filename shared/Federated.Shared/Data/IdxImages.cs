namespace Federated.Shared.Data;

/// <summary>The content of an IDX image file: <see cref="Count"/> images of Rows×Columns bytes, row-major.</summary>
public sealed class IdxImages
{
    private readonly byte[] _pixels;

    public IdxImages(int count, int rows, int columns, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if ((long)count * rows * columns != pixels.Length)
            throw new ArgumentException($"{count} images of {rows}x{columns} need {(long)count * rows * columns} bytes, got {pixels.Length}.", nameof(pixels));
        Count = count;
        Rows = rows;
        Columns = columns;
        _pixels = pixels;
    }

    public int Count { get; }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>All pixels, image after image.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;
}
