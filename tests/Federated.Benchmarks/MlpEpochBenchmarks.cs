using BenchmarkDotNet.Attributes;
using Federated.Client.Managed;
using Federated.Client.Torch;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Training;

namespace Federated.Benchmarks;

/// <summary>
/// One local epoch of the 784-200-200-10 perceptron on N Fashion-MNIST examples (SGD with
/// momentum, batches of 32): the managed trainer (one thread, as on a phone) against the
/// TorchSharp trainer on the CPU with one thread and with every core. Report: the ratio of
/// managed to TorchSharp-one-thread time. Run in process (see Program.cs), e.g.
/// <c>-- --filter "*MlpEpoch*" --inProcess --warmupCount 3 --iterationCount 15</c>.
/// </summary>
public class MlpEpochBenchmarks
{
    private ModelArchitecture _mlp = null!;
    private ParameterBuffer _global = null!;
    private ManagedTrainer _managed = null!;
    private TorchTrainer _torchOneThread = null!;
    private TorchTrainer _torchAllCores = null!;
    private readonly TrainingConfig _config = new() { Epochs = 1, BatchSize = 32, LearningRate = 0.05, Momentum = 0.9, Seed = 1 };

    [Params(4000)]
    public int Examples { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        LabeledDataset train = FashionMnist.Load(FashionMnistSplit.Train).Take(Examples);
        _mlp = ModelZoo.Mlp();
        _global = ParameterInitializer.Initialize(_mlp, 1);
        _managed = new ManagedTrainer(train);
        _torchOneThread = new TorchTrainer(train, null, "cpu", threads: 1);
        _torchAllCores = new TorchTrainer(train, null, "cpu");
    }

    [Benchmark(Baseline = true)]
    public Task<FitOutcome> Managed() => _managed.FitAsync(_mlp, _global, _config);

    [Benchmark]
    public Task<FitOutcome> TorchOneThread() => _torchOneThread.FitAsync(_mlp, _global, _config, CancellationToken.None);

    [Benchmark]
    public Task<FitOutcome> TorchAllCores() => _torchAllCores.FitAsync(_mlp, _global, _config, CancellationToken.None);
}
