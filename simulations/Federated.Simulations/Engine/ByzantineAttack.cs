using System.Numerics.Tensors;
using Federated.Simulations.Scenarios;

namespace Federated.Simulations.Engine;

/// <summary>
/// Turns a Byzantine client's honest update into a malicious one, in place: the classic attacks
/// robust aggregation is measured against (Blanchard et al. 2017; Fang et al. 2020, "Local Model
/// Poisoning Attacks to Byzantine-Robust Federated Learning").
/// </summary>
internal static class ByzantineAttack
{
    public static void Apply(Span<float> update, FaultSpec faults, int seed)
    {
        float scale = (float)faults.ByzantineScale;
        switch (faults.ByzantineAttack.ToLowerInvariant())
        {
            case "signflip":
                TensorPrimitives.Multiply(update, -scale, update);
                break;
            case "scaled":
                TensorPrimitives.Multiply(update, scale, update);
                break;
            case "noise":
                FillGaussian(update, scale, new Random(seed));
                break;
            default:
                throw new ArgumentException($"faults.byzantineAttack = '{faults.ByzantineAttack}' is not one of signflip, scaled, noise.", nameof(faults));
        }
    }

    /// <summary>N(0, σ²) by the Box–Muller transform.</summary>
    private static void FillGaussian(Span<float> values, float sigma, Random random)
    {
        for (int i = 0; i < values.Length; i += 2)
        {
            double radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
            double angle = 2 * Math.PI * random.NextDouble();
            values[i] = (float)(sigma * radius * Math.Cos(angle));
            if (i + 1 < values.Length) values[i + 1] = (float)(sigma * radius * Math.Sin(angle));
        }
    }
}
