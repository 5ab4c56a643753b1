using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Federated.Coordinator.Options;
using Federated.Coordinator.Strategies;
using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Benchmarks;

/// <summary>
/// One FedAvg round's aggregation: K = 100 updates of the classic CNN (480 MB of update floats)
/// folded into the running sum the way the coordinator does it (the strategy's aggregator, summing
/// into the array of the model the previous round retired, Finish in place), next to the
/// memory-bandwidth baseline of merely reading the same buffers (a vectorized sum of each).
/// Report: update GB/s of each, and their ratio. <see cref="AddEveryUpdate"/> is a reference for
/// the traffic of any one-update-at-a-time fold (sum read and written per update), not a goal.
/// </summary>
public class FedAvgRoundBenchmarks
{
    public const int Clients = 100;
    private ParameterBuffer _global = null!;
    private float[][] _updates = null!;
    private FedAvgStrategy _strategy = null!;
    private float[] _sum = null!;

    [GlobalSetup]
    public void Setup()
    {
        var cnn = ModelZoo.Cnn();
        _global = ParameterInitializer.Initialize(cnn, 1);
        _updates = new float[Clients][];
        for (int k = 0; k < Clients; k++) _updates[k] = ParameterInitializer.Initialize(cnn, k + 2).Array;
        _strategy = new FedAvgStrategy(Microsoft.Extensions.Options.Options.Create(new FederationOptions()));
        _sum = new float[_global.Length];
    }

    /// <summary>Bytes of update floats one round reads.</summary>
    public long UpdateBytes => (long)Clients * _global.Length * sizeof(float);

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
        var aggregator = _strategy.CreateAggregator(_global);
        for (int k = 0; k < Clients; k++) aggregator.Accumulate(_updates[k], 100 + k);
        var next = aggregator.Finish();
        // As the coordinator does once the next round has replaced this model.
        ((IReusesRetiredModels)_strategy).Reuse(next);
        return next;
    }

    [Benchmark]
    public float[] AddEveryUpdate()
    {
        Array.Clear(_sum);
        foreach (var update in _updates) TensorPrimitives.Add(_sum, update, _sum);
        return _sum;
    }
}
