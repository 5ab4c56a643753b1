using Federated.Client.Managed;
using Federated.Client.Torch;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Training;
using Federated.Tests.Data;
using Federated.Tests.Torch;
using Federated.Torch;

namespace Federated.Tests.ManagedTraining;

/// <summary>
/// The managed trainer and the TorchSharp trainer on the same task: same initial parameters,
/// same seeded shuffle, same update rules, so the deltas agree up to summation order.
/// </summary>
[Collection(TorchTestGroup.Name)]
public sealed class TorchParityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static TheoryData<string, TrainingConfig> Cases => new()
    {
        { "logistic", new TrainingConfig { BatchSize = 32, LearningRate = 0.05, Seed = 3 } },
        { "logistic", new TrainingConfig { BatchSize = 32, LearningRate = 0.05, Momentum = 0.9, WeightDecay = 1e-3, ProximalMu = 0.1, Seed = 4 } },
        { "logistic", new TrainingConfig { BatchSize = 20, LearningRate = 0.001, Optimizer = OptimizerKind.Adam, WeightDecay = 1e-3, Seed = 5 } },
        { "mlp", new TrainingConfig { BatchSize = 32, LearningRate = 0.05, Momentum = 0.9, ProximalMu = 0.01, Seed = 6 } },
        { "cnn", new TrainingConfig { BatchSize = 16, LearningRate = 0.02, Momentum = 0.5, WeightDecay = 1e-4, Seed = 7 } },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task OneEpoch_GivesTheSameDeltaAsTorchSharp(string model, TrainingConfig config)
    {
        ModelArchitecture architecture = model switch
        {
            "logistic" => ModelZoo.LogisticRegression(784, 10),
            "mlp" => ModelZoo.Mlp(),
            _ => SyntheticData.SmallCnn(),
        };
        LabeledDataset train = FashionMnistData.Train.Take(model == "cnn" ? 160 : 640);
        ParameterBuffer global = ParameterInitializer.Initialize(architecture, seed: 1);

        FitOutcome managed = await new ManagedTrainer(train).FitAsync(architecture, global, config).WaitAsync(Timeout);
        FitOutcome torch = await new TorchTrainer(train, null, "cpu", threads: 1).FitAsync(architecture, global, config, CancellationToken.None).WaitAsync(Timeout);

        float difference = SyntheticData.MaxDifference(managed.Delta.Values, torch.Delta.Values);
        Assert.True(difference < 1e-4, $"largest delta difference {difference:G3}");
        Assert.Equal(torch.Metrics["train_loss"], managed.Metrics["train_loss"], 3);
        Assert.Equal(torch.Metrics["train_accuracy"], managed.Metrics["train_accuracy"], 2);
    }

    [Fact]
    public async Task Evaluation_OfTheReferenceCnn_AgreesWithTorchSharp()
    {
        ModelArchitecture cnn = ModelZoo.Cnn();
        ParameterBuffer parameters = ParameterInitializer.Initialize(cnn, seed: 2);
        LabeledDataset test = FashionMnistData.Test.Take(200);

        EvaluationOutcome managed = await new ManagedTrainer(test.Take(1), test).EvaluateAsync(cnn, parameters).WaitAsync(Timeout);
        TorchEvaluation torch = TorchEvaluator.Evaluate(cnn, parameters, test, TorchSharp.torch.CPU);

        Assert.Equal(torch.Loss, managed.Loss, 4);
        Assert.Equal(torch.Accuracy, managed.Accuracy);
    }
}
