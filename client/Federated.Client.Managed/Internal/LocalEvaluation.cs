using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Client.Managed.Internal;

/// <summary>Mean cross-entropy and accuracy of a model over a whole dataset, in inference mode.</summary>
internal static class LocalEvaluation
{
    public static (double Loss, double Accuracy) Run(ModelArchitecture architecture, ParameterBuffer parameters, LabeledDataset data, int batchSize, CancellationToken cancellationToken)
    {
        if (data.Count == 0) throw new ArgumentException("Cannot evaluate on an empty dataset.", nameof(data));
        // The network reads the caller's buffer directly; a forward-only pass never writes it.
        var network = new Network(architecture, 0, architecture.Layers.Count, parameters.Array, Math.Min(batchSize, data.Count), training: null);
        int width = network.InputWidth;
        double lossSum = 0;
        long correct = 0;
        for (int start = 0; start < data.Count; start += network.BatchCapacity)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int batch = Math.Min(network.BatchCapacity, data.Count - start);
            data.Features.Slice(start * width, batch * width).CopyTo(network.Input(batch));
            network.Forward(batch, training: false);
            var (batchLoss, batchCorrect) = SoftmaxCrossEntropy.Evaluate(network.Output(batch), data.Labels.Slice(start, batch), network.OutputWidth, Span<float>.Empty);
            lossSum += batchLoss;
            correct += batchCorrect;
        }
        return (lossSum / data.Count, (double)correct / data.Count);
    }
}
