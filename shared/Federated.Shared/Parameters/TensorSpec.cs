namespace Federated.Shared.Parameters;

/// <summary>A named tensor's shape inside a <see cref="ParameterLayout"/>.</summary>
public sealed class TensorSpec : IEquatable<TensorSpec>
{
    private readonly int[] _shape;

    public TensorSpec(string name, params int[] shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (int dim in shape)
        {
            if (dim <= 0)
                throw new ArgumentException($"Tensor '{name}' has a non-positive dimension {dim} in shape [{string.Join(", ", shape)}].", nameof(shape));
            count = checked(count * dim);
        }
        if (count > int.MaxValue)
            throw new ArgumentException($"Tensor '{name}' has {count} elements; at most {int.MaxValue} are supported.", nameof(shape));
        Name = name;
        _shape = (int[])shape.Clone();
        ElementCount = (int)count;
    }

    public string Name { get; }

    public ReadOnlySpan<int> Shape => _shape;

    public int Rank => _shape.Length;

    public int ElementCount { get; }

    /// <summary>The shape as <c>long</c>s, the way tensor libraries take it.</summary>
    public long[] ShapeAsInt64()
    {
        var dims = new long[_shape.Length];
        for (int i = 0; i < dims.Length; i++) dims[i] = _shape[i];
        return dims;
    }

    public bool Equals(TensorSpec? other) =>
        other is not null && Name == other.Name && _shape.AsSpan().SequenceEqual(other._shape);

    public override bool Equals(object? obj) => Equals(obj as TensorSpec);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Name, StringComparer.Ordinal);
        foreach (int dim in _shape) hash.Add(dim);
        return hash.ToHashCode();
    }

    public override string ToString() => $"{Name}[{string.Join('x', _shape)}]";
}
