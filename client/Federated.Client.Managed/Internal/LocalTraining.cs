using System.Diagnostics;
using System.Numerics.Tensors;
using Federated.Client.Managed.Internal.Optimization;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Training;

namespace Federated.Client.Managed.Internal;

/// <summary>
/// One local fit: minibatch SGD or Adam on softmax cross-entropy, in the TorchSharp trainer's
/// order — the same seeded shuffle per epoch (<see cref="SeededShuffle"/>), the FedProx pull
/// added to the gradient, then the optimizer step — so both trainers agree on an update up to
/// floating-point summation order. Every buffer is allocated before the first batch.
/// </summary>
internal static class LocalTraining
{
    public static TrainingResult Run(
        ModelArchitecture architecture, TrainingPlan plan, ParameterBuffer global, LabeledDataset data, TrainingConfig config,
        int inferenceBatchSize, CancellationToken cancellationToken)
    {
        float[] parameters = global.Values.ToArray();
        float[] gradients = new float[plan.TrainedLength];
        int count = data.Count;

        var featureClock = Stopwatch.StartNew();
        ReadOnlySpan<float> inputs = data.Features;
        if (plan.TrunkEnd > 0)
            inputs = FrozenFeatures.Compute(architecture, parameters, plan.TrunkEnd, data.Features, count, inferenceBatchSize, cancellationToken);
        double featureSeconds = plan.TrunkEnd > 0 ? featureClock.Elapsed.TotalSeconds : 0;

        var network = new Network(
            architecture, plan.TrunkEnd, architecture.Layers.Count, parameters, Math.Min(config.BatchSize, count),
            new NetworkTraining(plan.FirstTrainedLayer, gradients, plan.TrainedOffset, new UniformSource(config.Seed)));
        Span<float> trained = parameters.AsSpan(plan.TrainedOffset, plan.TrainedLength);
        var optimizer = ParameterOptimizer.Create(config, plan.TrainedLength);
        var proximal = config.ProximalMu > 0 ? new ProximalPull(global.Values.Slice(plan.TrainedOffset, plan.TrainedLength), config.ProximalMu) : null;

        int width = network.InputWidth, classes = network.OutputWidth;
        ReadOnlySpan<int> allLabels = data.Labels;
        var order = new int[count];
        var labels = new int[network.BatchCapacity];
        double lastEpochLoss = 0;
        long lastEpochCorrect = 0;
        int steps = 0;
        var trainClock = Stopwatch.StartNew();
        for (int epoch = 0; epoch < config.Epochs; epoch++)
        {
            SeededShuffle.FillPermutation(order, SeededShuffle.FoldSeed(config.Seed + epoch));
            bool last = epoch == config.Epochs - 1;
            for (int start = 0; start < count; start += network.BatchCapacity)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int batch = Math.Min(network.BatchCapacity, count - start);
                Span<float> input = network.Input(batch);
                for (int i = 0; i < batch; i++)
                {
                    int example = order[start + i];
                    inputs.Slice(example * width, width).CopyTo(input.Slice(i * width, width));
                    labels[i] = allLabels[example];
                }
                network.Forward(batch, training: true);
                var (lossSum, correct) = SoftmaxCrossEntropy.Evaluate(network.Output(batch), labels.AsSpan(0, batch), classes, network.OutputGradient(batch));
                network.Backward(batch);
                proximal?.AddGradient(trained, gradients);
                optimizer.Step(trained, gradients);
                steps++;
                if (last)
                {
                    lastEpochLoss += lossSum;
                    lastEpochCorrect += correct;
                }
            }
        }
        double trainSeconds = trainClock.Elapsed.TotalSeconds;

        var delta = new ParameterBuffer(global.Layout, parameters);
        // Frozen tensors subtract to exactly zero (x − x = 0 for every finite float).
        TensorPrimitives.Subtract(delta.Values, global.Values, delta.Values);
        return new TrainingResult(delta, lastEpochLoss / count, (double)lastEpochCorrect / count, steps, trainSeconds, featureSeconds, plan.TrainedLength);
    }
}
