using Federated.Shared.Parameters;

namespace Federated.Shared.Models;

/// <summary>
/// Seeded initial parameters with PyTorch's default scheme for Conv2d and Linear
/// (kaiming_uniform with a = √5, which reduces to U(−1/√fan_in, 1/√fan_in) for weights and biases),
/// so a federation starts from the same model whichever backend or machine draws it.
/// </summary>
public static class ParameterInitializer
{
    public static ParameterBuffer Initialize(ModelArchitecture architecture, int seed)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        var buffer = new ParameterBuffer(architecture.Layout);
        var random = new Random(seed);
        var layout = architecture.Layout;
        for (int i = 0; i < layout.Count; i++)
        {
            var tensor = layout.Tensors[i];
            int layerIndex = int.Parse(tensor.Name.AsSpan(0, tensor.Name.IndexOf('.')), System.Globalization.CultureInfo.InvariantCulture);
            int fanIn = architecture.Layers[layerIndex] switch
            {
                Conv2dLayer conv => conv.InChannels * conv.KernelSize * conv.KernelSize,
                LinearLayer linear => linear.InFeatures,
                var other => throw new InvalidOperationException($"Layer {layerIndex} ({other.ToText()}) has parameters but no known initialisation."),
            };
            float bound = 1f / MathF.Sqrt(fanIn);
            Span<float> values = buffer.Tensor(i);
            for (int j = 0; j < values.Length; j++) values[j] = (float)((random.NextDouble() * 2 - 1) * bound);
        }
        return buffer;
    }
}
