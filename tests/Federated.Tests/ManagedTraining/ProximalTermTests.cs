using System.Numerics.Tensors;
using Federated.Client.Managed;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Training;

namespace Federated.Tests.ManagedTraining;

/// <summary>FedProx's μ/2‖w − w_global‖² as the managed trainer applies it (exact values: <see cref="OptimizerStepTests"/>).</summary>
public sealed class ProximalTermTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task FirstStep_IsUnchangedByMu_BecauseTheModelStartsAtTheAnchor()
    {
        ModelArchitecture mlp = ModelZoo.Mlp(inputFeatures: 8, classes: 3, hidden: 6);
        LabeledDataset data = SyntheticData.Random(16, [8], 3, seed: 1);
        ParameterBuffer global = ParameterInitializer.Initialize(mlp, seed: 2);
        var trainer = new ManagedTrainer(data);
        var oneStep = new TrainingConfig { BatchSize = 16, LearningRate = 0.1, Momentum = 0.9 };

        FitOutcome plain = await trainer.FitAsync(mlp, global, oneStep).WaitAsync(Timeout);
        FitOutcome proximal = await trainer.FitAsync(mlp, global, oneStep with { ProximalMu = 5 }).WaitAsync(Timeout);

        Assert.True(plain.Delta.Values.SequenceEqual(proximal.Delta.Values));
    }

    [Fact]
    public async Task LargerMu_KeepsTheLocalModelCloserToTheGlobalOne()
    {
        ModelArchitecture mlp = ModelZoo.Mlp(inputFeatures: 8, classes: 3, hidden: 16);
        LabeledDataset data = SyntheticData.Random(64, [8], 3, seed: 3);
        ParameterBuffer global = ParameterInitializer.Initialize(mlp, seed: 4);
        var trainer = new ManagedTrainer(data);
        var config = new TrainingConfig { Epochs = 10, BatchSize = 8, LearningRate = 0.1, Seed = 5 };

        var norms = new List<float>();
        foreach (double mu in new[] { 0.0, 0.1, 1.0, 5.0 })
        {
            FitOutcome fit = await trainer.FitAsync(mlp, global, config with { ProximalMu = mu }).WaitAsync(Timeout);
            norms.Add(TensorPrimitives.Norm(fit.Delta.Values));
        }

        for (int i = 1; i < norms.Count; i++)
            Assert.True(norms[i] < norms[i - 1], $"‖Δ‖ by μ = 0, 0.1, 1, 5: {string.Join(", ", norms)}");
        Assert.True(norms[^1] < norms[0] / 2, $"‖Δ‖ by μ = 0, 0.1, 1, 5: {string.Join(", ", norms)}");
    }
}
