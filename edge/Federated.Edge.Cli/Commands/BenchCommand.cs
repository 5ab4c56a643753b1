using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Federated.Edge.Cli.Inputs;
using Federated.Edge.Runtime;

namespace Federated.Edge.Cli.Commands;

/// <summary>
/// <c>bench</c>: ONNX Runtime latency of one or more models (typically FP32 and INT8) at batch 1 and 64,
/// measured side by side: iterations alternate between the models, so load from other processes on the
/// machine falls on all of them alike, and ratios are to the first model.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var models = new Option<string[]>("--model", "-m")
        {
            Description = "Models to compare (repeat the option; the first is the baseline of the ratios): ONNX or Federated model files.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var batchSizes = new Option<int[]>("--batch-size")
        {
            Description = "Batch sizes to time (repeat the option).",
            DefaultValueFactory = _ => [1, 64],
            AllowMultipleArgumentsPerToken = true,
        };
        var iterations = new Option<int>("--iterations") { Description = "Timed runs per model and batch size (after warm-up).", DefaultValueFactory = _ => 200 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed runs first, per model and batch size.", DefaultValueFactory = _ => 20 };
        var threads = RunCommand.ThreadsOption();
        threads.DefaultValueFactory = _ => 1;
        threads.Description = "ONNX Runtime threads inside one operator (1 by default: comparable on a shared machine; 0 = ORT's default).";
        var fast = RunCommand.FastX64Option();
        var input = new InputOptions("input", "Examples to time on (default: a seeded standard-normal batch; latency does not depend on the values)", defaultLimit: 0, required: false);
        var command = new Command("bench", "Times models at batch 1 and 64 with ONNX Runtime, side by side, and prints the ratios to the first.")
        {
            models, batchSizes, iterations, warmup, threads, fast,
        };
        input.AddTo(command);
        RunCommand.AddThreadsCheck(command, threads);
        command.Validators.Add(result =>
        {
            if (Given.TryGet(result, iterations, out int n) && n < 1) result.AddError("--iterations must be positive.");
            if (Given.TryGet(result, warmup, out int w) && w < 0) result.AddError("--warmup must be 0 or positive.");
            if (Given.TryGet(result, batchSizes, out int[] sizes) && Array.Exists(sizes, s => s < 1)) result.AddError("--batch-size values must be positive.");
        });
        command.SetAction((result, _) => CommandRunner.RunAsync(error, () =>
        {
            string[] paths = result.GetValue(models)!;
            int[] sizes = result.GetValue(batchSizes)!;
            var loaded = new List<EdgeModel>();
            try
            {
                foreach (string path in paths) loaded.Add(ModelLoading.Load(path, result.GetValue(threads), !result.GetValue(fast)));
                for (int i = 1; i < loaded.Count; i++)
                {
                    if (loaded[i].InputLength != loaded[0].InputLength)
                        throw new CliException($"--model '{paths[i]}' takes {loaded[i].InputLength} values per example, '{paths[0]}' takes {loaded[0].InputLength}; benchmarked models must take the same input.");
                }
                int largest = sizes.Max();
                float[] examples = Examples(input.IsGiven(result) ? input.ToSpec(result) : null, loaded[0].InputLength, largest);
                var medians = new double[paths.Length, sizes.Length];
                for (int s = 0; s < sizes.Length; s++)
                {
                    var cell = Time(loaded, examples, sizes[s], result.GetValue(warmup), result.GetValue(iterations));
                    for (int m = 0; m < paths.Length; m++) medians[m, s] = cell[m];
                }
                Print(output, paths, sizes, medians, result.GetValue(iterations), result.GetValue(threads));
            }
            finally
            {
                foreach (var model in loaded) model.Dispose();
            }
            return Task.FromResult(0);
        }));
        return command;
    }

    /// <summary>Median milliseconds per call for each model, runs interleaved model by model.</summary>
    private static double[] Time(List<EdgeModel> models, float[] examples, int batchSize, int warmup, int iterations)
    {
        var logits = models.Select(m => new float[batchSize * m.OutputLength]).ToArray();
        var samples = new double[models.Count][];
        for (int m = 0; m < models.Count; m++) samples[m] = new double[iterations];
        var batch = examples.AsSpan(0, batchSize * models[0].InputLength);
        for (int i = 0; i < warmup + iterations; i++)
        {
            for (int m = 0; m < models.Count; m++)
            {
                long start = Stopwatch.GetTimestamp();
                models[m].Run(batch, batchSize, logits[m]);
                if (i >= warmup) samples[m][i - warmup] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }
        var medians = new double[models.Count];
        for (int m = 0; m < models.Count; m++)
        {
            Array.Sort(samples[m]);
            medians[m] = samples[m][iterations / 2];
        }
        return medians;
    }

    private static float[] Examples(InputSpec? spec, int featuresPerExample, int count)
    {
        var values = new float[featuresPerExample * count];
        if (spec is not null)
        {
            var batch = InputReader.Read(spec, featuresPerExample);
            // Repeat the given examples to fill the largest batch.
            for (int i = 0; i < values.Length; i += batch.Features.Length)
                batch.Features.AsSpan(0, Math.Min(batch.Features.Length, values.Length - i)).CopyTo(values.AsSpan(i));
            return values;
        }
        var random = new Random(1234);
        // Box-Muller: a standard normal from two uniforms.
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        return values;
    }

    private static void Print(TextWriter output, string[] paths, int[] sizes, double[,] medians, int iterations, int threads)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Median latency over {iterations} runs per cell, {(threads == 0 ? "ORT's default" : threads.ToString(CultureInfo.InvariantCulture))} intra-op thread(s), runs interleaved across models."));
        output.Write($"{"model",-40} {"bytes",12}");
        foreach (int size in sizes) output.Write(string.Create(CultureInfo.InvariantCulture, $" {"batch " + size + " ms",14} {"ratio",6}"));
        output.WriteLine();
        long baseBytes = new FileInfo(paths[0]).Length;
        for (int m = 0; m < paths.Length; m++)
        {
            long bytes = new FileInfo(paths[m]).Length;
            output.Write(string.Create(CultureInfo.InvariantCulture, $"{Shorten(paths[m]),-40} {bytes,12}"));
            for (int s = 0; s < sizes.Length; s++)
                output.Write(string.Create(CultureInfo.InvariantCulture, $" {medians[m, s],14:F4} {medians[m, s] / medians[0, s],6:F3}"));
            output.WriteLine();
            if (m > 0) output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  size ratio to the first: {(double)bytes / baseBytes:F3}"));
        }
    }

    private static string Shorten(string path) => path.Length <= 40 ? path : "…" + path[^39..];
}
