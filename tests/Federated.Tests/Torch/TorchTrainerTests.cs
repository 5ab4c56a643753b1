using Federated.Client.Torch;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Training;
using Federated.Tests.Data;

namespace Federated.Tests.Torch;

[Collection(TorchTestGroup.Name)]
public sealed class TorchTrainerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private static readonly TrainingConfig Sgd = new()
    {
        Epochs = 1,
        BatchSize = 32,
        LearningRate = 0.05,
        Momentum = 0.9,
        Seed = 5,
    };

    [Fact]
    public async Task OneEpochOnRealFashionMnist_LiftsTestAccuracyFarAboveChance()
    {
        LabeledDataset train = DatasetSharding.Shard(FashionMnistData.Train, 0, 20, seed: 1); // 3,000 examples
        LabeledDataset test = FashionMnistData.Test.Take(2000);
        ModelArchitecture mlp = ModelZoo.Mlp();
        ParameterBuffer global = ParameterInitializer.Initialize(mlp, seed: 3);
        var trainer = new TorchTrainer(train, test, "cpu");
        var onTrain = new TorchTrainer(train, train, "cpu");

        EvaluationOutcome before = await trainer.EvaluateAsync(mlp, global, CancellationToken.None).WaitAsync(Timeout);
        EvaluationOutcome beforeOnTrain = await onTrain.EvaluateAsync(mlp, global, CancellationToken.None).WaitAsync(Timeout);
        FitOutcome fit = await trainer.FitAsync(mlp, global, Sgd, CancellationToken.None).WaitAsync(Timeout);
        ParameterBuffer local = Apply(global, fit.Delta);
        EvaluationOutcome after = await trainer.EvaluateAsync(mlp, local, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(3000, fit.ExampleCount);
        Assert.InRange(after.Accuracy, 0.65, 1.0);
        Assert.True(after.Loss < before.Loss - 1, $"test loss {before.Loss:F3} → {after.Loss:F3}");
        // The last epoch's mean training loss is well below where the untrained model started.
        Assert.True(fit.Metrics["train_loss"] < beforeOnTrain.Loss - 1, $"train loss {beforeOnTrain.Loss:F3} → {fit.Metrics["train_loss"]:F3}");
        Assert.InRange(fit.Metrics["train_accuracy"], 0.5, 1.0);
        Assert.True(fit.Metrics["steps_per_second"] > 0);
        Assert.Equal(2000, after.ExampleCount);
    }

    [Fact]
    public async Task InitialModel_ScoresAboutChance()
    {
        ModelArchitecture mlp = ModelZoo.Mlp();
        var trainer = new TorchTrainer(FashionMnistData.Train.Take(10), FashionMnistData.Test.Take(2000), "cpu");

        EvaluationOutcome outcome = await trainer.EvaluateAsync(mlp, ParameterInitializer.Initialize(mlp, seed: 3), CancellationToken.None).WaitAsync(Timeout);

        Assert.InRange(outcome.Accuracy, 0.02, 0.25);
        Assert.InRange(outcome.Loss, Math.Log(10) - 0.3, Math.Log(10) + 0.3);
        Assert.Equal(outcome.Loss, outcome.Metrics["loss"]);
        Assert.Equal(outcome.Accuracy, outcome.Metrics["accuracy"]);
    }

    [Fact]
    public async Task SameSeedTwice_GivesIdenticalDeltas_AndTheGlobalModelIsUntouched()
    {
        ModelArchitecture mlp = ModelZoo.Mlp();
        ParameterBuffer global = ParameterInitializer.Initialize(mlp, seed: 9);
        ParameterBuffer pristine = global.Clone();
        var trainer = new TorchTrainer(FashionMnistData.Train.Take(600), null, "cpu");

        FitOutcome first = await trainer.FitAsync(mlp, global, Sgd, CancellationToken.None).WaitAsync(Timeout);
        FitOutcome second = await trainer.FitAsync(mlp, global, Sgd, CancellationToken.None).WaitAsync(Timeout);
        FitOutcome reseeded = await trainer.FitAsync(mlp, global, Sgd with { Seed = 6 }, CancellationToken.None).WaitAsync(Timeout);

        Assert.True(first.Delta.Values.SequenceEqual(second.Delta.Values), "same seed, different deltas");
        Assert.False(first.Delta.Values.SequenceEqual(reseeded.Delta.Values), "a new seed should reshuffle the batches");
        Assert.True(global.Values.SequenceEqual(pristine.Values), "FitAsync modified the global parameters");
    }

    [Fact]
    public async Task CnnWithAdamAndDropout_IsDeterministicForASeed()
    {
        ModelArchitecture cnn = ModelZoo.Cnn();
        ParameterBuffer global = ParameterInitializer.Initialize(cnn, seed: 2);
        var trainer = new TorchTrainer(FashionMnistData.Train.Take(128), null, "cpu");
        var adam = new TrainingConfig { Optimizer = OptimizerKind.Adam, LearningRate = 1e-3, BatchSize = 64, WeightDecay = 1e-4, Seed = 4 };

        FitOutcome first = await trainer.FitAsync(cnn, global, adam, CancellationToken.None).WaitAsync(Timeout);
        FitOutcome second = await trainer.FitAsync(cnn, global, adam, CancellationToken.None).WaitAsync(Timeout);

        Assert.True(first.Delta.Values.SequenceEqual(second.Delta.Values), "same seed, different deltas");
        Assert.True(MathF.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(first.Delta.Values)) > 0, "training did not move the model");
    }

    [Fact]
    public async Task FitsWithDropoutRunningSideBySide_StayDeterministic()
    {
        // Simulations train several virtual clients at once in one process: dropout must not share a generator.
        var model = ModelArchitecture.Parse("input 1x28x28; flatten; linear 784 64; relu; dropout 0.5; linear 64 10");
        ParameterBuffer global = ParameterInitializer.Initialize(model, seed: 3);
        var trainer = new TorchTrainer(FashionMnistData.Train.Take(512), null, "cpu");
        var other = Sgd with { Seed = 99 };

        FitOutcome alone = await trainer.FitAsync(model, global, Sgd, CancellationToken.None).WaitAsync(Timeout);
        FitOutcome[] together = await Task.WhenAll(
            trainer.FitAsync(model, global, Sgd, CancellationToken.None),
            trainer.FitAsync(model, global, other, CancellationToken.None)).WaitAsync(Timeout);

        Assert.True(alone.Delta.Values.SequenceEqual(together[0].Delta.Values), "a concurrent fit changed a seeded fit's result");
        Assert.False(together[0].Delta.Values.SequenceEqual(together[1].Delta.Values), "different seeds gave the same fit");
    }

    [Fact]
    public async Task ProximalTerm_KeepsTheLocalModelCloseToTheGlobalOne()
    {
        // FedProx: a large μ pulls local training back toward the global model.
        ModelArchitecture mlp = ModelZoo.Mlp();
        ParameterBuffer global = ParameterInitializer.Initialize(mlp, seed: 6);
        var trainer = new TorchTrainer(FashionMnistData.Train.Take(1024), null, "cpu");

        FitOutcome plain = await trainer.FitAsync(mlp, global, Sgd, CancellationToken.None).WaitAsync(Timeout);
        FitOutcome proximal = await trainer.FitAsync(mlp, global, Sgd with { ProximalMu = 5 }, CancellationToken.None).WaitAsync(Timeout);

        float plainNorm = System.Numerics.Tensors.TensorPrimitives.Norm<float>(plain.Delta.Values);
        float proximalNorm = System.Numerics.Tensors.TensorPrimitives.Norm<float>(proximal.Delta.Values);
        Assert.True(proximalNorm < 0.5f * plainNorm, $"‖Δ‖ with μ=5 is {proximalNorm}, without {plainNorm}");
        Assert.True(proximalNorm > 0, "the proximal run did not train at all");
    }

    [Fact]
    public async Task CancelledToken_StopsTheFit()
    {
        ModelArchitecture mlp = ModelZoo.Mlp();
        var trainer = new TorchTrainer(FashionMnistData.Train.Take(64), null, "cpu");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => trainer.FitAsync(mlp, ParameterInitializer.Initialize(mlp, 1), Sgd, cancelled.Token).WaitAsync(Timeout));
    }

    [Fact]
    public async Task EvaluateWithoutAnEvaluationSet_SaysSo()
    {
        ModelArchitecture mlp = ModelZoo.Mlp();
        var trainer = new TorchTrainer(FashionMnistData.Train.Take(8), null, "cpu");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => trainer.EvaluateAsync(mlp, ParameterInitializer.Initialize(mlp, 1), CancellationToken.None));

        Assert.Contains("without an evaluation set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ArchitectureThatDoesNotFitTheData_IsRejected()
    {
        ModelArchitecture wrong = ModelZoo.Mlp(inputFeatures: 100);
        var trainer = new TorchTrainer(FashionMnistData.Train.Take(8), null, "cpu");

        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => trainer.FitAsync(wrong, ParameterInitializer.Initialize(wrong, 1), Sgd, CancellationToken.None));

        Assert.Contains("100 inputs per example", error.Message, StringComparison.Ordinal);
    }

    private static ParameterBuffer Apply(ParameterBuffer global, ParameterBuffer delta)
    {
        ParameterBuffer local = global.Clone();
        System.Numerics.Tensors.TensorPrimitives.Add(local.Values, delta.Values, local.Values);
        return local;
    }
}
