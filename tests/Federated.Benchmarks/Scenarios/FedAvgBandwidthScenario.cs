using System.Diagnostics;
using System.Globalization;

namespace Federated.Benchmarks.Scenarios;

/// <summary>
/// The <see cref="FedAvgRoundBenchmarks"/> methods timed in turn, round after round, instead of one
/// after the other as BenchmarkDotNet runs them: on a machine shared with other work, load that comes
/// and goes then weighs on the baseline and the fold alike, so their ratio stays fair. Prints update
/// GB/s of each at its best and median round, and the ratios to the read baseline.
/// <code>
/// dotnet run -c Release --project tests/Federated.Benchmarks -- fedavg-bandwidth [--repeats 30]
/// </code>
/// </summary>
internal static class FedAvgBandwidthScenario
{
    public static int Run(string[] args)
    {
        int index = Array.IndexOf(args, "--repeats");
        int repeats = index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : 30;
        var benchmarks = new FedAvgRoundBenchmarks();
        benchmarks.Setup();
        (string Name, Action Run)[] methods =
        [
            (nameof(FedAvgRoundBenchmarks.ReadEveryUpdate), () => benchmarks.ReadEveryUpdate()),
            (nameof(FedAvgRoundBenchmarks.AccumulateEveryUpdate), () => benchmarks.AccumulateEveryUpdate()),
            (nameof(FedAvgRoundBenchmarks.AddEveryUpdate), () => benchmarks.AddEveryUpdate()),
        ];
        var seconds = new double[methods.Length][];
        for (int m = 0; m < methods.Length; m++) seconds[m] = new double[repeats];
        // Two untimed rounds first: JIT tiers, page faults of first touches.
        for (int round = -2; round < repeats; round++)
        {
            for (int m = 0; m < methods.Length; m++)
            {
                long start = Stopwatch.GetTimestamp();
                methods[m].Run();
                if (round >= 0) seconds[m][round] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }
        }

        double bytes = benchmarks.UpdateBytes;
        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(invariant, $"FedAvg round of {FedAvgRoundBenchmarks.Clients} CNN updates ({bytes / 1e6:F0} MB of update floats), {repeats} interleaved rounds"));
        Console.WriteLine("  method                    best GB/s  median GB/s  best ratio  median ratio");
        double bestBaseline = seconds[0].Min(), medianBaseline = Median(seconds[0]);
        for (int m = 0; m < methods.Length; m++)
        {
            double best = seconds[m].Min(), median = Median(seconds[m]);
            Console.WriteLine(string.Create(invariant, $"  {methods[m].Name,-24} {bytes / best / 1e9,10:F1} {bytes / median / 1e9,12:F1} {bestBaseline / best,11:F2} {medianBaseline / median,13:F2}"));
        }
        return 0;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
