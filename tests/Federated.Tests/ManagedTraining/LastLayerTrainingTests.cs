using Federated.Client.Managed;
using Federated.Client.Managed.Internal;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Training;
using Federated.Tests.Data;

namespace Federated.Tests.ManagedTraining;

/// <summary>Fine-tuning only the classifier head of a shipped feature extractor.</summary>
public sealed class LastLayerTrainingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private static readonly ManagedTrainerOptions LastLayer = new() { Scope = TrainingScope.LastLayer };

    private static readonly TrainingConfig Sgd = new() { Epochs = 2, BatchSize = 32, LearningRate = 0.05, Momentum = 0.9, WeightDecay = 1e-4, ProximalMu = 0.01, Seed = 7 };

    [Fact]
    public async Task Mlp_ChangesOnlyTheLastLinearLayer_AndEveryOtherDeltaIsExactlyZero()
    {
        ModelArchitecture mlp = ModelZoo.Mlp();
        ParameterBuffer global = ParameterInitializer.Initialize(mlp, seed: 1);
        var trainer = new ManagedTrainer(FashionMnistData.Train.Take(500), options: LastLayer);

        FitOutcome fit = await trainer.FitAsync(mlp, global, Sgd).WaitAsync(Timeout);

        foreach (string frozen in new[] { "0.weight", "0.bias", "2.weight", "2.bias" })
            Assert.All(fit.Delta.Tensor(frozen).ToArray(), value => Assert.Equal(0f, value));
        Assert.Contains(fit.Delta.Tensor("4.weight").ToArray(), value => value != 0);
        Assert.Contains(fit.Delta.Tensor("4.bias").ToArray(), value => value != 0);
        Assert.Equal(200 * 10 + 10, fit.Metrics["trained_parameters"]);
        Assert.True(fit.Metrics["frozen_feature_seconds"] > 0);
    }

    [Fact]
    public async Task Mlp_TrainsTheHeadExactlyAsALogisticRegressionOnTheFrozenFeatures()
    {
        ModelArchitecture mlp = ModelZoo.Mlp();
        ParameterBuffer global = ParameterInitializer.Initialize(mlp, seed: 2);
        LabeledDataset images = FashionMnistData.Train.Take(300);
        float[] features = FrozenFeatures.Compute(mlp, global.Array, 4, images.Features, images.Count, 64, CancellationToken.None);
        var featureSet = new LabeledDataset(features, images.Labels.ToArray(), [200], images.ClassCount);
        ModelArchitecture head = ModelZoo.LogisticRegression(200, 10);
        var headGlobal = new ParameterBuffer(head.Layout);
        global.Tensor("4.weight").CopyTo(headGlobal.Tensor("0.weight"));
        global.Tensor("4.bias").CopyTo(headGlobal.Tensor("0.bias"));

        FitOutcome fineTuned = await new ManagedTrainer(images, options: LastLayer).FitAsync(mlp, global, Sgd).WaitAsync(Timeout);
        FitOutcome regression = await new ManagedTrainer(featureSet).FitAsync(head, headGlobal, Sgd).WaitAsync(Timeout);

        Assert.True(SyntheticData.MaxDifference(fineTuned.Delta.Tensor("4.weight"), regression.Delta.Tensor("0.weight")) < 1e-6);
        Assert.True(SyntheticData.MaxDifference(fineTuned.Delta.Tensor("4.bias"), regression.Delta.Tensor("0.bias")) < 1e-6);
        Assert.Equal(regression.Metrics["train_loss"], fineTuned.Metrics["train_loss"], 5);
    }

    [Fact]
    public async Task Cnn_UsesTheFrozenConvolutionalTrunkAsAFeatureExtractor_AndLearns()
    {
        ModelArchitecture cnn = ModelZoo.Cnn();
        ParameterBuffer global = ParameterInitializer.Initialize(cnn, seed: 3);
        LabeledDataset train = DatasetSharding.Shard(FashionMnistData.Train, 0, 100, seed: 4); // 600 examples
        var trainer = new ManagedTrainer(train, FashionMnistData.Test.Take(300), LastLayer);
        var config = new TrainingConfig { Epochs = 5, BatchSize = 32, LearningRate = 0.05, Momentum = 0.9, Seed = 5 };

        EvaluationOutcome before = await trainer.EvaluateAsync(cnn, global).WaitAsync(Timeout);
        FitOutcome fit = await trainer.FitAsync(cnn, global, config).WaitAsync(Timeout);
        EvaluationOutcome after = await trainer.EvaluateAsync(cnn, SyntheticData.Apply(global, fit.Delta)).WaitAsync(Timeout);

        for (int tensor = 0; tensor < cnn.Layout.Count; tensor++)
        {
            string name = cnn.Layout.Tensors[tensor].Name;
            if (name.StartsWith("10.", StringComparison.Ordinal)) continue;
            Assert.All(fit.Delta.Tensor(tensor).ToArray(), value => Assert.Equal(0f, value));
        }
        Assert.Contains(fit.Delta.Tensor("10.weight").ToArray(), value => value != 0);
        Assert.True(after.Accuracy > before.Accuracy + 0.2, $"accuracy {before.Accuracy:P1} → {after.Accuracy:P1}");
    }

    [Fact]
    public void Plan_CachesTheTrunkUpToTheDropoutBeforeTheHead()
    {
        TrainingPlan plan = TrainingPlan.Create(ModelZoo.Cnn(), TrainingScope.LastLayer);

        // Layers 0..8 are frozen and cached; dropout 9 still draws masks; linear 10 trains.
        Assert.Equal(9, plan.TrunkEnd);
        Assert.Equal(10, plan.FirstTrainedLayer);
        Assert.Equal(128 * 10 + 10, plan.TrainedLength);
        Assert.Equal(ModelZoo.Cnn().Layout.TotalLength - plan.TrainedLength, plan.TrainedOffset);
    }
}
