using Federated.Client.Managed;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Training;
using Federated.Tests.Data;

namespace Federated.Tests.ManagedTraining;

public sealed class ManagedTrainerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task OneEpochOnRealFashionMnist_ReachesOverEightyPercentTestAccuracy()
    {
        LabeledDataset train = DatasetSharding.Shard(FashionMnistData.Train, 0, 6, seed: 1); // 10,000 examples
        LabeledDataset test = FashionMnistData.Test.Take(2000);
        ModelArchitecture mlp = ModelZoo.Mlp();
        ParameterBuffer global = ParameterInitializer.Initialize(mlp, seed: 3);
        var trainer = new ManagedTrainer(train, test);
        var config = new TrainingConfig { Epochs = 1, BatchSize = 32, LearningRate = 0.002, Optimizer = OptimizerKind.Adam, Seed = 5 };

        EvaluationOutcome before = await trainer.EvaluateAsync(mlp, global).WaitAsync(Timeout);
        FitOutcome fit = await trainer.FitAsync(mlp, global, config).WaitAsync(Timeout);
        EvaluationOutcome after = await trainer.EvaluateAsync(mlp, SyntheticData.Apply(global, fit.Delta)).WaitAsync(Timeout);

        Assert.Equal(10_000, fit.ExampleCount);
        Assert.InRange(before.Accuracy, 0.02, 0.25);
        Assert.True(after.Accuracy > 0.80, $"test accuracy after one epoch: {after.Accuracy:P1}");
        Assert.True(after.Loss < before.Loss - 1, $"test loss {before.Loss:F3} → {after.Loss:F3}");
        Assert.InRange(fit.Metrics["train_accuracy"], 0.6, 1.0);
        Assert.True(fit.Metrics["steps_per_second"] > 0);
        Assert.Equal(after.Loss, after.Metrics["loss"]);
        Assert.Equal(after.Accuracy, after.Metrics["accuracy"]);
    }

    [Fact]
    public async Task SameSeedTwice_GivesIdenticalDeltas_WithDropout_AndTheGlobalModelIsUntouched()
    {
        ModelArchitecture model = ModelArchitecture.Parse("input 784; linear 784 64; relu; dropout 0.5; linear 64 10");
        ParameterBuffer global = ParameterInitializer.Initialize(model, seed: 9);
        ParameterBuffer pristine = global.Clone();
        var trainer = new ManagedTrainer(FashionMnistData.Train.Take(500));
        var config = new TrainingConfig { Epochs = 2, BatchSize = 32, LearningRate = 0.05, Momentum = 0.9, Seed = 5 };

        FitOutcome first = await trainer.FitAsync(model, global, config).WaitAsync(Timeout);
        FitOutcome second = await trainer.FitAsync(model, global, config).WaitAsync(Timeout);
        FitOutcome reseeded = await trainer.FitAsync(model, global, config with { Seed = 6 }).WaitAsync(Timeout);

        Assert.True(first.Delta.Values.SequenceEqual(second.Delta.Values), "same seed, different deltas");
        Assert.Equal(first.Metrics["train_loss"], second.Metrics["train_loss"]);
        Assert.False(first.Delta.Values.SequenceEqual(reseeded.Delta.Values), "a new seed should reshuffle and redraw the dropout masks");
        Assert.True(global.Values.SequenceEqual(pristine.Values), "FitAsync modified the global parameters");
    }

    [Fact]
    public async Task EvaluateWithoutAnEvaluationSet_SaysHowToGetOne()
    {
        ModelArchitecture model = ModelZoo.LogisticRegression(4, 2);
        var trainer = new ManagedTrainer(SyntheticData.Random(4, [4], 2, seed: 1));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => trainer.EvaluateAsync(model, new ParameterBuffer(model.Layout)));
        Assert.Contains("evaluation set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ParametersOfAnotherLayout_AreRefused()
    {
        var trainer = new ManagedTrainer(SyntheticData.Random(4, [4], 2, seed: 1));
        ModelArchitecture other = ModelZoo.LogisticRegression(4, 3);

        await Assert.ThrowsAsync<ArgumentException>(() =>
            trainer.FitAsync(ModelZoo.LogisticRegression(4, 2), new ParameterBuffer(other.Layout), new TrainingConfig()));
    }

    [Fact]
    public void Options_OutOfRange_NameTheProperty()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new ManagedTrainer(SyntheticData.Random(4, [4], 2, seed: 1), options: new ManagedTrainerOptions { InferenceBatchSize = 0 }));
        Assert.Equal(nameof(ManagedTrainerOptions.InferenceBatchSize), error.ParamName);
    }

    [Fact]
    public async Task ArchitectureWithoutParameters_HasNothingToTrain()
    {
        var model = new ModelArchitecture([2, 2], [new FlattenLayer()]);
        var trainer = new ManagedTrainer(SyntheticData.Random(4, [2, 2], 4, seed: 1));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => trainer.FitAsync(model, new ParameterBuffer(model.Layout), new TrainingConfig()));
        Assert.Contains("no layer with parameters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LayerKindTheTrainerDoesNotKnow_IsRefusedUpFront_NamingTheLayer()
    {
        var model = new ModelArchitecture([4], [new LinearLayer(4, 4), new SoftsignLayer(), new LinearLayer(4, 2)]);
        var trainer = new ManagedTrainer(SyntheticData.Random(4, [4], 2, seed: 1));

        // Thrown by the call itself, before any task starts.
        var error = Assert.Throws<NotSupportedException>(() => { _ = trainer.FitAsync(model, new ParameterBuffer(model.Layout), new TrainingConfig()); });
        Assert.Contains("Layer 1 (softsign)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_StopsTheFit()
    {
        ModelArchitecture mlp = ModelZoo.Mlp();
        var trainer = new ManagedTrainer(FashionMnistData.Train.Take(100));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            trainer.FitAsync(mlp, ParameterInitializer.Initialize(mlp, 1), new TrainingConfig(), cancelled.Token).WaitAsync(Timeout));
    }
}

/// <summary>A layer kind no backend knows, to see the managed trainer refuse it.</summary>
internal sealed record SoftsignLayer : LayerSpec
{
    public override string Keyword => "softsign";

    public override string ToText() => "softsign";

    public override int[] OutputShape(ReadOnlySpan<int> input) => input.ToArray();
}
