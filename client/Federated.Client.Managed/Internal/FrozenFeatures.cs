using Federated.Shared.Models;

namespace Federated.Client.Managed.Internal;

/// <summary>
/// Runs a frozen trunk (layers [0, end)) over every example once, in inference mode, so a fit
/// that trains only the head reads cached features instead of recomputing the trunk each epoch.
/// </summary>
internal static class FrozenFeatures
{
    /// <returns>count × width features, row-major, in the examples' order.</returns>
    public static float[] Compute(ModelArchitecture architecture, float[] parameters, int end, ReadOnlySpan<float> examples, int count, int batchSize, CancellationToken cancellationToken)
    {
        var trunk = new Network(architecture, 0, end, parameters, Math.Min(batchSize, count), training: null);
        int inputWidth = trunk.InputWidth, width = trunk.OutputWidth;
        var features = new float[checked(count * width)];
        for (int start = 0; start < count; start += trunk.BatchCapacity)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int batch = Math.Min(trunk.BatchCapacity, count - start);
            examples.Slice(start * inputWidth, batch * inputWidth).CopyTo(trunk.Input(batch));
            trunk.Forward(batch, training: false);
            trunk.Output(batch).CopyTo(features.AsSpan(start * width, batch * width));
        }
        return features;
    }
}
