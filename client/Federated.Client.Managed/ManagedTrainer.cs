using System.Diagnostics;
using Federated.Client.Managed.Internal;
using Federated.Client.Managed.Internal.Layers;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Training;

namespace Federated.Client.Managed;

/// <summary>
/// Trains on this device's data in managed code only — no native libraries, no reflection, no
/// generated code — so it runs wherever .NET runs, NativeAOT on phones included. It understands
/// every layer an architecture may hold (Linear, Conv2d, ReLU, MaxPool2d, Dropout, Flatten), with
/// the TorchSharp trainer's semantics: the same seeded shuffles, PyTorch's SGD and Adam, FedProx.
/// Fits are single-threaded and deterministic for a seed on a given machine; every call builds
/// its buffers afresh, so calls share no state but the data. The work runs on a dedicated
/// thread, never the caller's (on a phone, the UI thread).
/// </summary>
public sealed class ManagedTrainer : ILocalTrainer
{
    private readonly LabeledDataset _train;
    private readonly LabeledDataset? _evaluation;

    public ManagedTrainer(LabeledDataset train, LabeledDataset? evaluation = null, ManagedTrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Count == 0) throw new ArgumentException("The training set is empty.", nameof(train));
        Options = options ?? new ManagedTrainerOptions();
        Options.Validate();
        _train = train;
        _evaluation = evaluation;
    }

    public ManagedTrainerOptions Options { get; }

    public Task<FitOutcome> FitAsync(ModelArchitecture architecture, ParameterBuffer global, TrainingConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(global);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        CheckCompatible(architecture, global.Layout, _train, "training");
        TrainingPlan plan = TrainingPlan.Create(architecture, Options.Scope);
        return RunOffThread(() => Fit(architecture, plan, global, config, cancellationToken), cancellationToken);
    }

    public Task<EvaluationOutcome> EvaluateAsync(ModelArchitecture architecture, ParameterBuffer parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(parameters);
        LabeledDataset evaluation = _evaluation
            ?? throw new InvalidOperationException("This ManagedTrainer was created without an evaluation set; pass one to its constructor to evaluate.");
        CheckCompatible(architecture, parameters.Layout, evaluation, "evaluation");
        return RunOffThread(() => Evaluate(architecture, parameters, evaluation, cancellationToken), cancellationToken);
    }

    private FitOutcome Fit(ModelArchitecture architecture, TrainingPlan plan, ParameterBuffer global, TrainingConfig config, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        TrainingResult result = LocalTraining.Run(architecture, plan, global, _train, config, Options.InferenceBatchSize, cancellationToken);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["train_loss"] = result.Loss,
            ["train_accuracy"] = result.Accuracy,
            ["steps_per_second"] = result.TrainSeconds > 0 ? result.Steps / result.TrainSeconds : 0,
            ["seconds"] = clock.Elapsed.TotalSeconds,
            ["trained_parameters"] = result.TrainedParameters,
        };
        if (result.FeatureSeconds > 0) metrics["frozen_feature_seconds"] = result.FeatureSeconds;
        return new FitOutcome(result.Delta, _train.Count, metrics);
    }

    private EvaluationOutcome Evaluate(ModelArchitecture architecture, ParameterBuffer parameters, LabeledDataset evaluation, CancellationToken cancellationToken)
    {
        var (loss, accuracy) = LocalEvaluation.Run(architecture, parameters, evaluation, Options.InferenceBatchSize, cancellationToken);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["loss"] = loss,
            ["accuracy"] = accuracy,
        };
        return new EvaluationOutcome(evaluation.Count, loss, accuracy, metrics);
    }

    /// <summary>A long-running task keeps the thread pool free for the client's network I/O.</summary>
    private static Task<T> RunOffThread<T>(Func<T> work, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static void CheckCompatible(ModelArchitecture architecture, ParameterLayout layout, LabeledDataset data, string role)
    {
        KernelFactory.EnsureSupported(architecture);
        TrainingInputs.CheckCompatible(architecture, layout, data, role);
    }
}
