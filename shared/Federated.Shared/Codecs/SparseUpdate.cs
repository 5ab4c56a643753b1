using Federated.Shared.Parameters;

namespace Federated.Shared.Codecs;

/// <summary>
/// An update that is zero except at <see cref="Indices"/> (strictly increasing positions in the
/// flat buffer of <see cref="Layout"/>), where it is <see cref="Values"/>.
/// </summary>
public sealed class SparseUpdate
{
    private readonly int[] _indices;
    private readonly float[] _values;

    /// <summary>Takes ownership of both arrays (no copy).</summary>
    public SparseUpdate(ParameterLayout layout, int[] indices, float[] values)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(values);
        if (indices.Length != values.Length)
            throw new ArgumentException($"A sparse update needs one value per index; it has {indices.Length} indices and {values.Length} values.", nameof(values));
        int previous = -1;
        for (int i = 0; i < indices.Length; i++)
        {
            if (indices[i] <= previous || indices[i] >= layout.TotalLength)
                throw new ArgumentException($"Sparse index {indices[i]} at position {i} is out of order or outside the layout's {layout.TotalLength} parameters; indices must be strictly increasing.", nameof(indices));
            previous = indices[i];
        }
        Layout = layout;
        _indices = indices;
        _values = values;
    }

    public ParameterLayout Layout { get; }

    /// <summary>Number of entries kept.</summary>
    public int Count => _indices.Length;

    public ReadOnlySpan<int> Indices => _indices;

    public ReadOnlySpan<float> Values => _values;

    /// <summary>Writes the update densely: zeros, then the kept values at their indices.</summary>
    public void CopyTo(Span<float> dense)
    {
        if (dense.Length != Layout.TotalLength)
            throw new ArgumentException($"The dense buffer holds {dense.Length} floats; the layout ({Layout}) needs {Layout.TotalLength}.", nameof(dense));
        dense.Clear();
        for (int i = 0; i < _indices.Length; i++) dense[_indices[i]] = _values[i];
    }

    public ParameterBuffer ToDense()
    {
        var buffer = new ParameterBuffer(Layout);
        CopyTo(buffer.Values);
        return buffer;
    }
}
