using BenchmarkDotNet.Attributes;
using Federated.Coordinator.Strategies;
using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Benchmarks;

/// <summary>
/// Folding one client update of the classic CNN (1,199,882 floats) into FedAvg's running sum:
/// the SIMD path against the plain scalar loop it replaces.
/// </summary>
[MemoryDiagnoser]
public class AggregationBenchmarks
{
    private ParameterBuffer _global = null!;
    private float[] _delta = null!;
    private float[] _sum = null!;
    private FedAvgAggregator _aggregator = null!;

    [GlobalSetup]
    public void Setup()
    {
        var cnn = ModelZoo.Cnn();
        _global = ParameterInitializer.Initialize(cnn, 1);
        _delta = ParameterInitializer.Initialize(cnn, 2).Array;
        _sum = new float[_delta.Length];
        _aggregator = new FedAvgAggregator(_global);
    }

    [Benchmark(Baseline = true)]
    public void ScalarLoop()
    {
        float weight = 600;
        for (int i = 0; i < _delta.Length; i++) _sum[i] += weight * _delta[i];
    }

    [Benchmark]
    public void FedAvgAccumulate() => _aggregator.Accumulate(_delta, 600);
}
