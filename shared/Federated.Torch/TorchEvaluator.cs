using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using TorchSharp;
using static TorchSharp.torch;

namespace Federated.Torch;

/// <summary>Evaluates a classifier: mean cross-entropy and accuracy over a whole dataset.</summary>
public static class TorchEvaluator
{
    /// <summary>Builds <paramref name="architecture"/> with <paramref name="parameters"/> on <paramref name="device"/> and evaluates it.</summary>
    public static TorchEvaluation Evaluate(ModelArchitecture architecture, ParameterBuffer parameters, LabeledDataset data, Device device)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        using var module = TorchModelFactory.Create(architecture);
        TorchParameters.CopyToModule(module, parameters);
        module.to(device);
        return Evaluate(module, data, device, inputShape: architecture.InputShape.ToArray());
    }

    /// <summary>
    /// Runs <paramref name="module"/> (already on <paramref name="device"/>) over
    /// <paramref name="data"/> in eval mode without gradients; the module's training flag is
    /// restored afterwards. <paramref name="inputShape"/> is the shape the model takes per
    /// example (default: the dataset's), e.g. [784] for a perceptron over 1×28×28 images.
    /// </summary>
    public static TorchEvaluation Evaluate(nn.Module<Tensor, Tensor> module, LabeledDataset data, Device device, int batchSize = 1000, int[]? inputShape = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (data.Count == 0) throw new ArgumentException("Cannot evaluate on an empty dataset.", nameof(data));
        var batcher = new TorchBatcher(data, inputShape ?? data.ExampleShape, device);

        bool wasTraining = module.training;
        module.eval();
        double lossSum = 0;
        long correct = 0;
        try
        {
            using var noGrad = torch.no_grad();
            for (int start = 0; start < data.Count; start += batchSize)
            {
                using var scope = torch.NewDisposeScope();
                var (x, y) = batcher.Range(start, Math.Min(batchSize, data.Count - start));
                Tensor logits = module.call(x);
                lossSum += nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).item<float>();
                correct += logits.argmax(1).eq(y).sum().item<long>();
            }
        }
        finally
        {
            module.train(wasTraining);
        }
        return new TorchEvaluation(lossSum / data.Count, (double)correct / data.Count, data.Count);
    }
}
