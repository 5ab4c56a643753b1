using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Federated.Coordinator.Strategies;
using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Benchmarks;

/// <summary>
/// One FedAvg round's aggregation: K = 100 updates of the classic CNN (480 MB of update floats)
/// folded into the running sum, next to the memory-bandwidth baseline of merely reading the same
/// buffers (a vectorized sum of each). Report: update GB/s of each, and their ratio.
/// </summary>
public class FedAvgRoundBenchmarks
{
    private const int Clients = 100;
    private ParameterBuffer _global = null!;
    private float[][] _updates = null!;

    [GlobalSetup]
    public void Setup()
    {
        var cnn = ModelZoo.Cnn();
        _global = ParameterInitializer.Initialize(cnn, 1);
        _updates = new float[Clients][];
        for (int k = 0; k < Clients; k++) _updates[k] = ParameterInitializer.Initialize(cnn, k + 2).Array;
    }

    [Benchmark(Baseline = true)]
    public float ReadEveryUpdate()
    {
        float total = 0;
        foreach (var update in _updates) total += TensorPrimitives.Sum<float>(update);
        return total;
    }

    [Benchmark]
    public ParameterBuffer AccumulateEveryUpdate()
    {
        var aggregator = new FedAvgAggregator(_global);
        for (int k = 0; k < Clients; k++) aggregator.Accumulate(_updates[k], 100 + k);
        return aggregator.Finish();
    }
}
