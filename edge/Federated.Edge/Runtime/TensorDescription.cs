namespace Federated.Edge.Runtime;

/// <summary>A graph input or output: its name, element type (<c>float</c>, <c>int8</c>, ...) and shape, −1 where symbolic.</summary>
public sealed record TensorDescription(string Name, string ElementType, IReadOnlyList<long> Shape, IReadOnlyList<string> SymbolicDimensions)
{
    /// <summary>The shape as text, symbolic dimensions by name: <c>[N, 1, 28, 28]</c>.</summary>
    public string ShapeText
    {
        get
        {
            var parts = new string[Shape.Count];
            for (int i = 0; i < parts.Length; i++)
            {
                parts[i] = Shape[i] >= 0
                    ? Shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : i < SymbolicDimensions.Count && SymbolicDimensions[i].Length > 0 ? SymbolicDimensions[i] : "?";
            }
            return $"[{string.Join(", ", parts)}]";
        }
    }

    public override string ToString() => $"{Name} {ElementType} {ShapeText}";
}
