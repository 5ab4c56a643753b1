using System.Numerics.Tensors;
using Federated.Edge.Reference;

namespace Federated.Edge.Quantization.Internal;

/// <summary>The smallest and largest value of every activation over all observed examples.</summary>
internal sealed class MinMaxObserver : IActivationObserver
{
    private readonly float[] _min;
    private readonly float[] _max;

    public MinMaxObserver(int activations)
    {
        _min = new float[activations];
        _max = new float[activations];
        _min.AsSpan().Fill(float.PositiveInfinity);
        _max.AsSpan().Fill(float.NegativeInfinity);
    }

    public void Observe(int activation, ReadOnlySpan<float> values)
    {
        // TensorPrimitives.Min/Max return NaN when any value is NaN, so a NaN anywhere surfaces here.
        float min = TensorPrimitives.Min(values);
        float max = TensorPrimitives.Max(values);
        if (!float.IsFinite(min) || !float.IsFinite(max))
        {
            if (FirstNonFinite < 0) FirstNonFinite = activation;
            return;
        }
        if (min < _min[activation]) _min[activation] = min;
        if (max > _max[activation]) _max[activation] = max;
    }

    /// <summary>The first activation that held ±∞ or NaN since the last <see cref="ResetFailure"/>, or −1.</summary>
    public int FirstNonFinite { get; private set; } = -1;

    public void ResetFailure() => FirstNonFinite = -1;

    public ActivationRange Range(int activation) => new(_min[activation], _max[activation]);
}
