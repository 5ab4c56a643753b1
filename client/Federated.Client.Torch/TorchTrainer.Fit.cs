using System.Diagnostics;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Training;
using Federated.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Federated.Client.Torch;

/// <summary>The training loop: minibatch SGD or Adam with cross-entropy over seeded shuffles.</summary>
public sealed partial class TorchTrainer
{
    private FitOutcome Fit(ModelArchitecture architecture, ParameterBuffer global, TrainingConfig config, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        // Dropout draws from a generator of this run's own, so fits running side by side in one
        // process (a simulation's workers) stay reproducible from their seeds.
        using var generator = new Generator(unchecked((ulong)config.Seed), _device);
        using var module = TorchModelFactory.Create(architecture, generator);
        TorchParameters.CopyToModule(module, global);
        module.to(_device);
        using var optimizer = CreateOptimizer(module, config);
        using var proximal = config.ProximalMu > 0 ? new ProximalTerm(module, config.ProximalMu) : null;
        module.train();

        var batcher = new TorchBatcher(_train, architecture.InputShape, _device);
        var order = new int[_train.Count];
        int batchesPerEpoch = (order.Length + config.BatchSize - 1) / config.BatchSize;
        double lastEpochLoss = 0;
        long lastEpochCorrect = 0;
        var trainClock = Stopwatch.StartNew();
        for (int epoch = 0; epoch < config.Epochs; epoch++)
        {
            SeededShuffle.FillPermutation(order, SeededShuffle.FoldSeed(config.Seed + epoch));
            bool last = epoch == config.Epochs - 1;
            for (int start = 0; start < order.Length; start += config.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = torch.NewDisposeScope();
                var (x, y) = batcher.Gather(order.AsSpan(start, Math.Min(config.BatchSize, order.Length - start)));
                Tensor logits = module.call(x);
                Tensor loss = nn.functional.cross_entropy(logits, y);
                optimizer.zero_grad();
                loss.backward();
                proximal?.AddGradient();
                optimizer.step();
                if (last)
                {
                    // Reading scalars synchronises a GPU, so only the reported epoch pays for it.
                    lastEpochLoss += loss.item<float>() * (double)y.shape[0];
                    lastEpochCorrect += logits.argmax(1).eq(y).sum().item<long>();
                }
            }
        }
        double trainSeconds = trainClock.Elapsed.TotalSeconds;

        var delta = new ParameterBuffer(global.Layout);
        TorchParameters.CopyFromModule(module, delta);
        System.Numerics.Tensors.TensorPrimitives.Subtract(delta.Values, global.Values, delta.Values);

        int steps = batchesPerEpoch * config.Epochs;
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["train_loss"] = lastEpochLoss / _train.Count,
            ["train_accuracy"] = (double)lastEpochCorrect / _train.Count,
            ["steps_per_second"] = trainSeconds > 0 ? steps / trainSeconds : 0,
            ["seconds"] = clock.Elapsed.TotalSeconds,
        };
        Log.Fitted(_logger, config.Epochs, _train.Count, metrics["train_loss"], metrics["train_accuracy"], metrics["steps_per_second"], _device);
        return new FitOutcome(delta, _train.Count, metrics);
    }

    private static optim.Optimizer CreateOptimizer(nn.Module module, TrainingConfig config) => config.Optimizer switch
    {
        OptimizerKind.Sgd => optim.SGD(module.parameters(), config.LearningRate, momentum: config.Momentum, weight_decay: config.WeightDecay),
        OptimizerKind.Adam => optim.Adam(module.parameters(), config.LearningRate, weight_decay: config.WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(config), config.Optimizer, "Unknown optimizer; use Sgd or Adam."),
    };
}
