using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Federated.Client.Managed.Internal.Layers;

/// <summary>max(x, 0); the gradient passes where the output is positive (PyTorch's rule at 0: none).</summary>
internal sealed class ReluKernel(int width) : LayerKernel(width, width)
{
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, bool training)
    {
        int length = batch * InputWidth;
        TensorPrimitives.Max(input[..length], 0f, output[..length]);
    }

    public override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int batch)
    {
        if (inputGradient.IsEmpty) return;
        int length = batch * InputWidth;
        PassWherePositive(output[..length], outputGradient[..length], inputGradient[..length]);
    }

    /// <summary>destination = gate &gt; 0 ? gradient : 0, a vector at a time.</summary>
    private static void PassWherePositive(ReadOnlySpan<float> gate, ReadOnlySpan<float> gradient, Span<float> destination)
    {
        ReadOnlySpan<Vector<float>> gates = MemoryMarshal.Cast<float, Vector<float>>(gate);
        ReadOnlySpan<Vector<float>> gradients = MemoryMarshal.Cast<float, Vector<float>>(gradient);
        Span<Vector<float>> destinations = MemoryMarshal.Cast<float, Vector<float>>(destination);
        for (int i = 0; i < destinations.Length; i++)
            destinations[i] = Vector.ConditionalSelect(Vector.GreaterThan(gates[i], Vector<float>.Zero), gradients[i], Vector<float>.Zero);
        for (int i = destinations.Length * Vector<float>.Count; i < destination.Length; i++)
            destination[i] = gate[i] > 0 ? gradient[i] : 0;
    }
}
