using System.Security.Cryptography;
using System.Text;

namespace Federated.Shared.Parameters;

/// <summary>
/// Ordered named tensors laid end to end in one flat <c>float</c> buffer. Two sides agree on a
/// model's parameters exactly when their layouts are equal (same names, shapes and order).
/// </summary>
public sealed class ParameterLayout : IEquatable<ParameterLayout>
{
    private readonly TensorSpec[] _tensors;
    private readonly int[] _offsets;
    private readonly Dictionary<string, int> _indexByName;
    private string? _fingerprint;

    public ParameterLayout(IEnumerable<TensorSpec> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        _tensors = tensors.ToArray();
        _offsets = new int[_tensors.Length];
        _indexByName = new Dictionary<string, int>(_tensors.Length, StringComparer.Ordinal);
        long offset = 0;
        for (int i = 0; i < _tensors.Length; i++)
        {
            if (!_indexByName.TryAdd(_tensors[i].Name, i))
                throw new ArgumentException($"Tensor name '{_tensors[i].Name}' appears twice in the layout.", nameof(tensors));
            _offsets[i] = (int)offset;
            offset += _tensors[i].ElementCount;
            if (offset > Array.MaxLength)
                throw new ArgumentException($"The layout holds more than {Array.MaxLength} parameters.", nameof(tensors));
        }
        TotalLength = (int)offset;
    }

    public IReadOnlyList<TensorSpec> Tensors => _tensors;

    public int Count => _tensors.Length;

    /// <summary>Number of <c>float</c>s in a buffer of this layout.</summary>
    public int TotalLength { get; }

    public int OffsetOf(int index) => _offsets[index];

    public int IndexOf(string name) =>
        _indexByName.TryGetValue(name, out int index)
            ? index
            : throw new KeyNotFoundException($"The layout has no tensor named '{name}'. It has: {string.Join(", ", _tensors.Select(t => t.Name))}.");

    public bool TryGetIndex(string name, out int index) => _indexByName.TryGetValue(name, out index);

    /// <summary>Canonical one-line text of the layout: <c>name:d0xd1;...</c>.</summary>
    public string ToCanonicalString()
    {
        var text = new StringBuilder();
        foreach (var tensor in _tensors)
        {
            if (text.Length > 0) text.Append(';');
            text.Append(tensor.Name).Append(':').AppendJoin('x', tensor.ShapeAsInt64());
        }
        return text.ToString();
    }

    /// <summary>Hex SHA-256 of the canonical text; equal layouts have equal fingerprints.</summary>
    public string Fingerprint =>
        _fingerprint ??= Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ToCanonicalString())));

    /// <summary>Parses <see cref="ToCanonicalString"/>'s output.</summary>
    public static ParameterLayout Parse(string canonical)
    {
        ArgumentNullException.ThrowIfNull(canonical);
        var tensors = new List<TensorSpec>();
        if (canonical.Length == 0) return new ParameterLayout(tensors);
        foreach (string part in canonical.Split(';'))
        {
            int colon = part.LastIndexOf(':');
            if (colon <= 0)
                throw new FormatException($"Layout entry '{part}' is not of the form name:d0xd1.");
            string[] dims = part[(colon + 1)..].Split('x');
            var shape = new int[dims.Length];
            for (int i = 0; i < dims.Length; i++)
            {
                if (!int.TryParse(dims[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out shape[i]))
                    throw new FormatException($"Layout entry '{part}' has a dimension '{dims[i]}' that is not a positive integer.");
            }
            tensors.Add(new TensorSpec(part[..colon], shape));
        }
        return new ParameterLayout(tensors);
    }

    public bool Equals(ParameterLayout? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || other._tensors.Length != _tensors.Length || other.TotalLength != TotalLength) return false;
        for (int i = 0; i < _tensors.Length; i++)
        {
            if (!_tensors[i].Equals(other._tensors[i])) return false;
        }
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as ParameterLayout);

    public override int GetHashCode() => HashCode.Combine(_tensors.Length, TotalLength, _tensors.Length > 0 ? _tensors[0].GetHashCode() : 0);

    public override string ToString() => $"{_tensors.Length} tensors, {TotalLength:N0} parameters";
}
