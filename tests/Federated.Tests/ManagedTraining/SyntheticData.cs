using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Tests.ManagedTraining;

/// <summary>Small seeded datasets and parameters for the managed trainer's tests.</summary>
internal static class SyntheticData
{
    /// <summary><paramref name="count"/> examples of standard-normal-ish features with uniform labels.</summary>
    public static LabeledDataset Random(int count, ReadOnlySpan<int> exampleShape, int classes, int seed)
    {
        var random = new Random(seed);
        int width = 1;
        foreach (int dim in exampleShape) width *= dim;
        var features = new float[count * width];
        for (int i = 0; i < features.Length; i++) features[i] = (float)(random.NextDouble() * 2 - 1);
        var labels = new int[count];
        for (int i = 0; i < labels.Length; i++) labels[i] = random.Next(classes);
        return new LabeledDataset(features, labels, exampleShape, classes);
    }

    /// <summary>Local parameters = global + delta.</summary>
    public static ParameterBuffer Apply(ParameterBuffer global, ParameterBuffer delta)
    {
        var local = global.Clone();
        System.Numerics.Tensors.TensorPrimitives.Add(local.Values, delta.Values, local.Values);
        return local;
    }

    /// <summary>The largest absolute difference between two equally long spans.</summary>
    public static float MaxDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        float worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        return worst;
    }

    /// <summary>A small CNN without dropout, so TorchSharp and the managed trainer can agree on a whole fit.</summary>
    public static ModelArchitecture SmallCnn() => ModelArchitecture.Parse(
        "input 1x28x28; conv2d 1 4 3; relu; conv2d 4 6 3; relu; maxpool2d 2; flatten; linear 864 10");
}
