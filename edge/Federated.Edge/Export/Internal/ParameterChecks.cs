using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Edge.Export.Internal;

/// <summary>Checks a flat parameter buffer against an architecture before anything is written.</summary>
internal static class ParameterChecks
{
    /// <summary>Throws unless <paramref name="layout"/> is the architecture's, naming the first tensor that differs.</summary>
    public static void CheckLayout(ModelArchitecture architecture, ParameterLayout layout)
    {
        ParameterLayout expected = architecture.Layout;
        if (expected.Equals(layout)) return;
        int common = Math.Min(expected.Count, layout.Count);
        for (int i = 0; i < common; i++)
        {
            if (!expected.Tensors[i].Equals(layout.Tensors[i]))
                ThrowLayout(architecture, $"tensor {i} is {layout.Tensors[i]} but the architecture needs {expected.Tensors[i]}");
        }
        ThrowLayout(architecture, $"the buffer has {layout.Count} tensors ({layout.TotalLength} floats) but the architecture needs {expected.Count} ({expected.TotalLength} floats)");
    }

    public static void CheckLength(ModelArchitecture architecture, int length)
    {
        if (length != architecture.Layout.TotalLength)
            ThrowLayout(architecture, $"the buffer holds {length} floats but the architecture needs {architecture.Layout.TotalLength} ({architecture.Layout.ToCanonicalString()})");
    }

    /// <summary>Throws at the first NaN or infinity, naming the tensor, its layer and the index.</summary>
    public static void CheckFinite(ModelArchitecture architecture, ReadOnlySpan<float> parameters)
    {
        ParameterLayout layout = architecture.Layout;
        for (int t = 0; t < layout.Count; t++)
        {
            ReadOnlySpan<float> values = parameters.Slice(layout.OffsetOf(t), layout.Tensors[t].ElementCount);
            for (int i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i])) ThrowNonFinite(architecture, layout.Tensors[t].Name, i, values[i]);
            }
        }
    }

    [DoesNotReturn]
    private static void ThrowLayout(ModelArchitecture architecture, string detail) =>
        throw new ArgumentException($"The parameters do not belong to architecture '{architecture}': {detail}.");

    [DoesNotReturn]
    private static void ThrowNonFinite(ModelArchitecture architecture, string tensor, int index, float value)
    {
        int layer = int.Parse(tensor.AsSpan(0, tensor.IndexOf('.', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
        throw new ArgumentException(
            $"Parameter '{tensor}' (layer {layer}, {architecture.Layers[layer].ToText()}) holds {value.ToString(CultureInfo.InvariantCulture)} at index {index}; an exported model needs finite weights.");
    }
}
