using Federated.Client.Managed;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Training;

namespace Federated.Tests.ManagedTraining;

/// <summary>Optimizer steps on logistic regression against numbers worked out by hand.</summary>
public sealed class OptimizerStepTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task OneSgdStepFromZero_IsTheTextbookUpdate()
    {
        // One example x = (2, −1) of class 0, W = 0 and b = 0: both classes score 0, softmax is
        // (½, ½), so ∂W = (p − y)·xᵀ = [[−1, ½], [1, −½]] and ∂b = (−½, ½); lr = 0.1 steps against them.
        var model = ModelZoo.LogisticRegression(2, 2);
        var data = new LabeledDataset([2f, -1f], [0], [2], 2);
        var trainer = new ManagedTrainer(data);

        FitOutcome fit = await trainer.FitAsync(model, new ParameterBuffer(model.Layout), new TrainingConfig { LearningRate = 0.1, BatchSize = 1 }).WaitAsync(Timeout);

        Assert.Equal([0.1f, -0.05f, -0.1f, 0.05f], fit.Delta.Tensor("0.weight").ToArray());
        Assert.Equal([0.05f, -0.05f], fit.Delta.Tensor("0.bias").ToArray());
        Assert.Equal(Math.Log(2), fit.Metrics["train_loss"], 6);
    }

    [Fact]
    public async Task FirstAdamStep_MovesEveryParameterByTheLearningRateAgainstItsGradientsSign()
    {
        // Adam's bias-corrected first step is lr·g/(|g| + ε): lr times the gradient's sign.
        var model = ModelZoo.LogisticRegression(2, 2);
        var data = new LabeledDataset([2f, -1f], [0], [2], 2);
        var trainer = new ManagedTrainer(data);
        var config = new TrainingConfig { LearningRate = 0.01, BatchSize = 1, Optimizer = OptimizerKind.Adam };

        FitOutcome fit = await trainer.FitAsync(model, new ParameterBuffer(model.Layout), config).WaitAsync(Timeout);

        float[] expected = [0.01f, -0.01f, -0.01f, 0.01f, 0.01f, -0.01f];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], fit.Delta.Values[i], 6);
    }

    [Theory]
    [InlineData(0.0, 0.0, 0.0)]
    [InlineData(0.9, 0.0, 0.0)]
    [InlineData(0.9, 0.01, 0.0)]
    [InlineData(0.0, 0.0, 0.5)]
    [InlineData(0.5, 0.01, 0.5)]
    public async Task FullBatchSgd_MatchesTheFormulasInDoublePrecision(double momentum, double weightDecay, double mu)
    {
        // One batch per epoch, so every epoch is one step whatever the shuffle.
        const int features = 3, classes = 3, steps = 4;
        var model = ModelZoo.LogisticRegression(features, classes);
        LabeledDataset data = SyntheticData.Random(5, [features], classes, seed: 4);
        ParameterBuffer global = ParameterInitializer.Initialize(model, seed: 5);
        var config = new TrainingConfig { Epochs = steps, BatchSize = 5, LearningRate = 0.5, Momentum = momentum, WeightDecay = weightDecay, ProximalMu = mu };

        FitOutcome fit = await new ManagedTrainer(data).FitAsync(model, global, config).WaitAsync(Timeout);
        double[] expected = new LogisticRegressionReference(features, classes)
            .Train(global.Values, data.Features, data.Labels, steps, config.LearningRate, momentum, weightDecay, mu);

        ParameterBuffer local = SyntheticData.Apply(global, fit.Delta);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], local.Values[i], 5);
    }
}
