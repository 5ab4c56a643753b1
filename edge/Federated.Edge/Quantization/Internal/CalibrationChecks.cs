using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Edge.Quantization.Internal;

/// <summary>The input checks of calibration and quantization; each error names what is wrong and where.</summary>
internal static class CalibrationChecks
{
    /// <summary>The parameters fit the architecture and hold only finite values.</summary>
    public static void CheckParameters(ModelArchitecture architecture, ParameterBuffer parameters)
    {
        if (!parameters.Layout.Equals(architecture.Layout))
            throw new ArgumentException(
                $"The parameters' layout ({parameters.Layout}) is not the layout of '{architecture}' ({architecture.Layout}).", nameof(parameters));
        for (int t = 0; t < parameters.Layout.Count; t++)
        {
            ReadOnlySpan<float> values = parameters.Tensor(t);
            for (int i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                    throw new ArgumentException(
                        $"Parameter tensor '{parameters.Layout.Tensors[t].Name}' holds {values[i]} at element {i}; a model with non-finite weights cannot be quantized.", nameof(parameters));
            }
        }
    }

    /// <summary>The sample is non-empty, a whole number of examples, and finite; returns the example count.</summary>
    public static int CheckSamples(ModelArchitecture architecture, ReadOnlySpan<float> samples)
    {
        int perExample = architecture.InputLength;
        string shape = string.Join('x', architecture.InputShape.ToArray());
        if (samples.IsEmpty)
            throw new ArgumentException($"The calibration set is empty; give at least one example of shape {shape}.", nameof(samples));
        if (samples.Length % perExample != 0)
            throw new ArgumentException(
                $"The calibration set holds {samples.Length} values, not a whole number of examples of shape {shape} ({perExample} values each).", nameof(samples));
        for (int i = 0; i < samples.Length; i++)
        {
            if (!float.IsFinite(samples[i]))
                throw new ArgumentException(
                    $"Calibration example {i / perExample} holds {samples[i]} at position {i % perExample}; calibration needs finite inputs.", nameof(samples));
        }
        return samples.Length / perExample;
    }
}
