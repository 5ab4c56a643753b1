using System.Diagnostics;
using Federated.Coordinator.Evaluation;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Torch;
using TorchSharp;

namespace Federated.Simulations.Engine;

/// <summary>Evaluates each global model on the simulation's test set, and remembers how long that took.</summary>
internal sealed class SimulationCentralEvaluator(LabeledDataset test, string device) : ICentralEvaluator
{
    private long _lastTicks;

    /// <summary>Wall seconds of the latest evaluation.</summary>
    public double LastSeconds => Interlocked.Read(ref _lastTicks) / (double)Stopwatch.Frequency;

    public Task<CentralEvaluation> EvaluateAsync(ModelArchitecture architecture, ParameterBuffer parameters, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() =>
        {
            long start = Stopwatch.GetTimestamp();
            // No client trains while the round's model is evaluated: give evaluation every core
            // (libtorch keeps the thread count per thread, so this touches no trainer).
            torch.set_num_threads(Environment.ProcessorCount);
            var result = TorchEvaluator.Evaluate(architecture, parameters, test, TorchDevices.Resolve(device));
            Interlocked.Exchange(ref _lastTicks, Stopwatch.GetTimestamp() - start);
            return new CentralEvaluation(result.Loss, result.Accuracy, result.Count);
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
