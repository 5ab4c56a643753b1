using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Training;
using Federated.Torch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace Federated.Client.Torch;

/// <summary>
/// Trains on this client's data with TorchSharp, on the CPU or a CUDA GPU. Every call builds a
/// fresh module from the architecture, so calls share no state but the data; the CPU-heavy
/// work runs on a dedicated thread, never on the caller's.
/// </summary>
/// <remarks>
/// Every fit draws dropout masks from a generator seeded with the task's seed, so fits are
/// reproducible even when several run at once in one process (with a fixed thread count).
/// </remarks>
public sealed partial class TorchTrainer : ILocalTrainer
{
    private readonly LabeledDataset _train;
    private readonly LabeledDataset? _evaluation;
    private readonly Device _device;
    private readonly ILogger _logger;
    private readonly int _threads;

    /// <param name="device"><c>auto</c>, <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> (see <see cref="TorchDevices.Resolve"/>).</param>
    /// <param name="threads">
    /// CPU threads for each fit or evaluation (0 = libtorch's default, one per core). libtorch keeps
    /// this setting per thread, so it is applied on the thread that does the work; a fixed count
    /// also keeps floating-point results reproducible from run to run.
    /// </param>
    public TorchTrainer(LabeledDataset train, LabeledDataset? evaluation = null, string device = "auto", ILogger? logger = null, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        _threads = threads;
        ArgumentNullException.ThrowIfNull(train);
        if (train.Count == 0) throw new ArgumentException("The training set is empty.", nameof(train));
        _train = train;
        _evaluation = evaluation;
        _device = TorchDevices.Resolve(device);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The device this trainer runs on.</summary>
    public Device Device => _device;

    public Task<FitOutcome> FitAsync(ModelArchitecture architecture, ParameterBuffer global, TrainingConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(global);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        TrainingInputs.CheckCompatible(architecture, global.Layout, _train, "training");
        return RunOffThread(() => Fit(architecture, global, config, cancellationToken), cancellationToken);
    }

    public Task<EvaluationOutcome> EvaluateAsync(ModelArchitecture architecture, ParameterBuffer parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(parameters);
        LabeledDataset evaluation = _evaluation
            ?? throw new InvalidOperationException("This TorchTrainer was created without an evaluation set; pass one to its constructor to evaluate.");
        TrainingInputs.CheckCompatible(architecture, parameters.Layout, evaluation, "evaluation");
        return RunOffThread(() => Evaluate(architecture, parameters, evaluation), cancellationToken);
    }

    private EvaluationOutcome Evaluate(ModelArchitecture architecture, ParameterBuffer parameters, LabeledDataset evaluation)
    {
        using var module = TorchModelFactory.Create(architecture);
        TorchParameters.CopyToModule(module, parameters);
        module.to(_device);
        TorchEvaluation result = TorchEvaluator.Evaluate(module, evaluation, _device, inputShape: architecture.InputShape.ToArray());
        Log.Evaluated(_logger, result.Count, result.Loss, result.Accuracy);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["loss"] = result.Loss,
            ["accuracy"] = result.Accuracy,
        };
        return new EvaluationOutcome(result.Count, result.Loss, result.Accuracy, metrics);
    }

    /// <summary>A long-running task keeps the thread pool free for the client's network I/O.</summary>
    private Task<T> RunOffThread<T>(Func<T> work, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() =>
        {
            if (_threads > 0) torch.set_num_threads(_threads);
            return work();
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
