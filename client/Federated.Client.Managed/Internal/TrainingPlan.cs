using System.Globalization;
using Federated.Shared.Models;

namespace Federated.Client.Managed.Internal;

/// <summary>
/// Which layers of an architecture a fit runs how: a frozen trunk computed once per example
/// (layers [0, <see cref="TrunkEnd"/>)), and a trained part from <see cref="TrunkEnd"/> on whose
/// parameters from <see cref="FirstTrainedLayer"/> on change. Layouts list tensors in layer
/// order, so the trained parameters are one tail of the flat buffer:
/// [<see cref="TrainedOffset"/>, end).
/// </summary>
internal sealed record TrainingPlan(int TrunkEnd, int FirstTrainedLayer, int TrainedOffset, int TrainedLength)
{
    public static TrainingPlan Create(ModelArchitecture architecture, TrainingScope scope)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        int first = -1, last = -1;
        for (int i = 0; i < architecture.Layers.Count; i++)
        {
            if (architecture.Layers[i].Parameters.Count == 0) continue;
            if (first < 0) first = i;
            last = i;
        }
        if (last < 0)
            throw new ArgumentException($"The architecture '{architecture}' has no layer with parameters to train.", nameof(architecture));

        int trained = scope == TrainingScope.LastLayer ? last : first;
        int trunkEnd = 0;
        if (scope == TrainingScope.LastLayer)
        {
            // Dropout right before the head draws new masks every step, so it cannot be cached:
            // the trunk stops before it and it trains with the head.
            trunkEnd = last;
            while (trunkEnd > 0 && architecture.Layers[trunkEnd - 1] is DropoutLayer) trunkEnd--;
        }
        var layout = architecture.Layout;
        int offset = layout.OffsetOf(layout.IndexOf(string.Create(CultureInfo.InvariantCulture, $"{trained}.{architecture.Layers[trained].Parameters[0].Suffix}")));
        return new TrainingPlan(trunkEnd, trained, offset, layout.TotalLength - offset);
    }
}
