using System.Diagnostics;
using Federated.Client.Managed;
using Federated.Coordinator.Evaluation;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Benchmarks.Scenarios.MqttFleet;

/// <summary>When the global model first reached a target accuracy, on the wall clock of its run.</summary>
/// <param name="Seconds">From the last device's join (the federation's start) to the end of the evaluation that reached it.</param>
/// <param name="Evaluations">Global models evaluated up to it: synchronous rounds or FedBuff server steps.</param>
/// <param name="AcceptedUpdates">Updates the devices had had accepted by then.</param>
internal sealed record TargetReached(double Target, double Seconds, int Evaluations, double Accuracy, long AcceptedUpdates);

/// <summary>
/// The coordinator's central evaluator for the time-to-accuracy runs: each new global model is
/// scored on the whole test set with the managed trainer's evaluation (single-threaded, the same
/// code a device runs), and the first model at or above each target is recorded.
/// </summary>
internal sealed class TargetAccuracyEvaluator(LabeledDataset test, IReadOnlyList<double> targets, FleetCounters counters) : ICentralEvaluator
{
    private readonly ManagedTrainer _scorer = new(test, test);
    private readonly double[] _targets = [.. targets.Order()];
    private readonly TargetReached?[] _reached = new TargetReached?[targets.Count];
    private readonly TaskCompletionSource _allReached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _start = Stopwatch.GetTimestamp();
    private int _evaluations;
    private long _evaluationTicks;
    private double _best;

    /// <summary>Completes when the highest target is reached.</summary>
    public Task AllReached => _allReached.Task;

    /// <summary>Per target, lowest first: when it was first reached, or null.</summary>
    public IReadOnlyList<TargetReached?> Reached
    {
        get
        {
            lock (_reached) return [.. _reached];
        }
    }

    public int Evaluations => Volatile.Read(ref _evaluations);

    public double BestAccuracy => Volatile.Read(ref _best);

    /// <summary>Wall seconds spent evaluating (part of the measured time: the coordinator waits for it after each round or step).</summary>
    public double EvaluationSeconds => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _evaluationTicks)).TotalSeconds;

    /// <summary>Starts the clock: the federation's first round or step begins once every device has joined.</summary>
    public void Start() => Interlocked.Exchange(ref _start, Stopwatch.GetTimestamp());

    public async Task<CentralEvaluation> EvaluateAsync(ModelArchitecture architecture, ParameterBuffer parameters, CancellationToken cancellationToken)
    {
        long began = Stopwatch.GetTimestamp();
        var outcome = await _scorer.EvaluateAsync(architecture, parameters, cancellationToken).ConfigureAwait(false);
        long ended = Stopwatch.GetTimestamp();
        Interlocked.Add(ref _evaluationTicks, ended - began);
        int evaluations = Interlocked.Increment(ref _evaluations);
        double seconds = Stopwatch.GetElapsedTime(Interlocked.Read(ref _start), ended).TotalSeconds;
        lock (_reached)
        {
            _best = Math.Max(_best, outcome.Accuracy);
            for (int i = 0; i < _targets.Length; i++)
            {
                if (_reached[i] is null && outcome.Accuracy >= _targets[i])
                    _reached[i] = new TargetReached(_targets[i], seconds, evaluations, outcome.Accuracy, counters.Accepted);
            }
            if (_reached[^1] is not null) _allReached.TrySetResult();
        }
        return new CentralEvaluation(outcome.Loss, outcome.Accuracy, outcome.ExampleCount);
    }
}
