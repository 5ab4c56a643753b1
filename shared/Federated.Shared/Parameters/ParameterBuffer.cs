namespace Federated.Shared.Parameters;

/// <summary>
/// A model's parameters (or an update of them): one contiguous <c>float</c> array viewed
/// through a <see cref="ParameterLayout"/>. All maths runs on <see cref="Values"/> as a span.
/// </summary>
public sealed class ParameterBuffer
{
    private readonly float[] _values;

    public ParameterBuffer(ParameterLayout layout)
        : this(layout, new float[layout.TotalLength])
    {
    }

    /// <summary>Wraps <paramref name="values"/> without copying it.</summary>
    public ParameterBuffer(ParameterLayout layout, float[] values)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != layout.TotalLength)
            throw new ArgumentException($"The buffer holds {values.Length} floats but the layout ({layout}) needs {layout.TotalLength}.", nameof(values));
        Layout = layout;
        _values = values;
    }

    public ParameterLayout Layout { get; }

    public int Length => _values.Length;

    public Span<float> Values => _values;

    /// <summary>The backing array, for APIs that need one (it is not a copy).</summary>
    public float[] Array => _values;

    public Span<float> Tensor(int index) =>
        _values.AsSpan(Layout.OffsetOf(index), Layout.Tensors[index].ElementCount);

    public Span<float> Tensor(string name) => Tensor(Layout.IndexOf(name));

    public ParameterBuffer Clone() => new(Layout, (float[])_values.Clone());

    public void CopyFrom(ParameterBuffer source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!source.Layout.Equals(Layout))
            throw new ArgumentException($"Cannot copy parameters of layout {source.Layout.Fingerprint[..12]} into layout {Layout.Fingerprint[..12]}.", nameof(source));
        source._values.AsSpan().CopyTo(_values);
    }
}
