using System.Diagnostics;
using Federated.Client.Torch;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Training;
using Federated.Tests.Data;

namespace Federated.Tests.Edge;

/// <summary>A model trained for the edge tests, with how long training took.</summary>
internal sealed record TrainedModel(ModelArchitecture Architecture, ParameterBuffer Parameters, TimeSpan TrainingTime);

/// <summary>
/// Real trained weights for the edge tests, trained once per test run with TorchSharp and shared
/// (read-only) by every test that asks: the shipped MLP on 10,000 Fashion-MNIST training images and
/// the shipped CNN on 2,000, one epoch each, a few seconds in all. Tests must not modify them.
/// The calibration set and the test subset are disjoint from the training images.
/// </summary>
internal static class TrainedModels
{
    private const int MlpTrainingImages = 10_000;
    private const int CnnTrainingImages = 2_000;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private static readonly Lazy<TrainedModel> LazyMlp = new(() => Train(
        ModelZoo.Mlp(), MlpTrainingImages, new TrainingConfig { BatchSize = 32, LearningRate = 0.01, Momentum = 0.9, Seed = 71 }));

    private static readonly Lazy<TrainedModel> LazyCnn = new(() => Train(
        ModelZoo.Cnn(), CnnTrainingImages, new TrainingConfig { BatchSize = 32, LearningRate = 0.001, Optimizer = OptimizerKind.Adam, Seed = 72 }));

    private static readonly Lazy<LabeledDataset> LazyCalibration = new(() => Slice(FashionMnistData.Train, 50_000, 256));

    private static readonly Lazy<LabeledDataset> LazyTestSubset = new(() => FashionMnistData.Test.Take(1_000));

    /// <summary>784-200-200-10 perceptron (<see cref="ModelZoo.Mlp"/>).</summary>
    public static TrainedModel Mlp => LazyMlp.Value;

    /// <summary>PyTorch's MNIST CNN (<see cref="ModelZoo.Cnn"/>), dropout included.</summary>
    public static TrainedModel Cnn => LazyCnn.Value;

    /// <summary>256 training images that neither model trained on.</summary>
    public static LabeledDataset CalibrationSet => LazyCalibration.Value;

    /// <summary>The first 1,000 test images.</summary>
    public static LabeledDataset TestSubset => LazyTestSubset.Value;

    private static TrainedModel Train(ModelArchitecture architecture, int images, TrainingConfig config)
    {
        var clock = Stopwatch.StartNew();
        LabeledDataset train = FashionMnistData.Train.Take(images);
        ParameterBuffer initial = ParameterInitializer.Initialize(architecture, seed: (int)config.Seed);
        var trainer = new TorchTrainer(train, evaluation: null, device: "cpu", threads: 2);
        FitOutcome outcome = trainer.FitAsync(architecture, initial, config).WaitAsync(Timeout).GetAwaiter().GetResult();
        ParameterBuffer trained = initial.Clone();
        System.Numerics.Tensors.TensorPrimitives.Add(trained.Values, outcome.Delta.Values, trained.Values);
        return new TrainedModel(architecture, trained, clock.Elapsed);
    }

    private static LabeledDataset Slice(LabeledDataset data, int start, int count)
    {
        var indices = new int[count];
        for (int i = 0; i < count; i++) indices[i] = start + i;
        return data.Select(indices);
    }
}
