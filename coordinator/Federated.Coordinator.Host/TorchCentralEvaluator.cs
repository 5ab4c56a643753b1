using Federated.Coordinator.Evaluation;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Torch;
using Microsoft.Extensions.Options;
using TorchSharp;

namespace Federated.Coordinator.Host;

/// <summary>Evaluates each global model on the coordinator's test set with TorchSharp.</summary>
public sealed class TorchCentralEvaluator(IOptions<CentralEvaluationOptions> options) : ICentralEvaluator
{
    private readonly CentralEvaluationOptions _options = options.Value;
    private readonly Lazy<LabeledDataset> _testSet = new(() => Load(options.Value));

    public Task<CentralEvaluation> EvaluateAsync(ModelArchitecture architecture, ParameterBuffer parameters, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() =>
        {
            if (_options.Threads > 0) torch.set_num_threads(_options.Threads);
            var result = TorchEvaluator.Evaluate(architecture, parameters, _testSet.Value, TorchDevices.Resolve(_options.Device));
            return new CentralEvaluation(result.Loss, result.Accuracy, result.Count);
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static LabeledDataset Load(CentralEvaluationOptions options)
    {
        var data = options.Dataset == "fashion-mnist"
            ? FashionMnist.Load(FashionMnistSplit.Test)
            : CsvDatasetReader.Read(options.Dataset, options.LabelColumn).Data;
        return options.Limit > 0 ? data.Take(options.Limit) : data;
    }
}
