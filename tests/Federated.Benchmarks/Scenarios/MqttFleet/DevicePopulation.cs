using Federated.Client.Managed;
using Federated.Shared.Data;
using Federated.Simulations.Partitioning;
using Federated.Simulations.Scenarios;

namespace Federated.Benchmarks.Scenarios.MqttFleet;

/// <summary>
/// The devices of the time-to-accuracy runs, fixed once so both modes meet the same fleet: each
/// its shard of the training set (a partitioner of the simulations), its managed trainer and its
/// speed. Speeds are log-normal, as measured device and network latencies usually are: device i
/// takes median × exp(σ·Zᵢ) per task, Zᵢ standard normal from the seed.
/// </summary>
internal sealed class DevicePopulation
{
    private readonly ManagedTrainer[] _trainers;
    private readonly TimeSpan[] _delays;

    private DevicePopulation(ManagedTrainer[] trainers, TimeSpan[] delays)
    {
        _trainers = trainers;
        _delays = delays;
    }

    public int Count => _trainers.Length;

    public TimeSpan DelayOf(int device) => _delays[device];

    public ManagedTrainer TrainerOf(int device) => _trainers[device];

    public static DevicePopulation Create(LabeledDataset train, int devices, PartitionSpec partition, TimeSpan median, double sigma, int seed)
    {
        int[][] shards = PartitionerFactory.Create(partition).Partition(train, devices, seed);
        var trainers = new ManagedTrainer[devices];
        var delays = new TimeSpan[devices];
        var random = new Random(seed);
        for (int i = 0; i < devices; i++)
        {
            trainers[i] = new ManagedTrainer(train.Select(shards[i]));
            delays[i] = median * Math.Exp(sigma * StandardNormal(random));
        }
        return new DevicePopulation(trainers, delays);
    }

    /// <summary>The delay below which the given fraction of devices fall (for the report).</summary>
    public TimeSpan DelayQuantile(double fraction)
    {
        var sorted = _delays.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    /// <summary>Box–Muller: two uniforms make one standard normal draw.</summary>
    private static double StandardNormal(Random random)
    {
        double u = 1.0 - random.NextDouble(); // (0, 1]: the logarithm stays finite
        double v = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
    }
}
