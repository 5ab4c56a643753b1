using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Federated.Client.Torch;
using Federated.Edge.CodeGen;
using Federated.Edge.Quantization;
using Federated.Edge.Reference;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Training;

namespace Federated.Benchmarks.Scenarios;

/// <summary>
/// Issue 8's figures for the C runtime (edge/runtime), for the shipped MLP and CNN trained briefly
/// with TorchSharp and quantized with ModelQuantizer:
/// flash, arena and RAM bytes and MACs per inference (CGenerator's report); the host gcc build over
/// the Fashion-MNIST test set (outputs identical to Int8Engine, INT8 and FP32 accuracy); and
/// instructions per inference under valgrind's callgrind, the runtime's kernels against the
/// straightforward reference loops (edge/runtime/reference) in the same run.
/// <code>dotnet run -c Release --project tests/Federated.Benchmarks -- edge-native [--images 10000]
///   [--mlp-train 10000] [--cnn-train 2000] [--callgrind-mlp 100] [--callgrind-cnn 3] [--models mlp,cnn]</code>
/// Needs gcc, make and valgrind.
/// </summary>
internal static partial class EdgeNativeScenario
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(30);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new ScenarioArguments(args);
        int images = options.Int("--images", 10_000);
        int mlpTrain = options.Int("--mlp-train", 10_000);
        int cnnTrain = options.Int("--cnn-train", 2_000);
        int callgrindMlp = options.Int("--callgrind-mlp", 100);
        int callgrindCnn = options.Int("--callgrind-cnn", 3);
        var models = options.List("--models", "mlp,cnn");
        options.ThrowOnUnknown();

        string runtime = FindRuntime();
        LabeledDataset train = FashionMnist.Load(FashionMnistSplit.Train);
        LabeledDataset test = FashionMnist.Load(FashionMnistSplit.Test).Take(images);
        var calibration = train.Select(Enumerable.Range(50_000, 256).ToArray());
        Console.WriteLine($"edge-native: {images} test images, runtime {runtime}");
        Console.WriteLine("model  flash_bytes  arena_bytes  ram_bytes  MACs        c_equals_int8engine  int8_acc  fp32_acc  instr/inf_runtime  instr/inf_reference  reference/runtime  instr/MAC_runtime");
        foreach (string name in models)
        {
            var (architecture, trainCount, config) = name switch
            {
                // The shared test fixture's recipes (tests/Federated.Tests/Edge/TrainedModels.cs).
                "mlp" => (ModelZoo.Mlp(), mlpTrain, new TrainingConfig { BatchSize = 32, LearningRate = 0.01, Momentum = 0.9, Seed = 71 }),
                "cnn" => (ModelZoo.Cnn(), cnnTrain, new TrainingConfig { BatchSize = 32, LearningRate = 0.001, Optimizer = OptimizerKind.Adam, Seed = 72 }),
                _ => throw new ArgumentException($"Unknown model '{name}' in --models: use mlp, cnn."),
            };
            ParameterBuffer parameters = await TrainAsync(architecture, train.Take(trainCount), config);
            QuantizedModel model = ModelQuantizer.Quantize(architecture, parameters, calibration);
            CModelReport report = CGenerator.Generate(model, new CGeneratorOptions { Name = name }).Report;

            string work = Path.Combine(Path.GetTempPath(), "federated-edge-native-" + Guid.NewGuid().ToString("N"));
            try
            {
                var (equal, int8Accuracy, floatAccuracy) = await FullTestSetAsync(runtime, work, name, model, parameters, test);
                int benchImages = name == "cnn" ? callgrindCnn : callgrindMlp;
                long runtimeInstructions = await InstructionsAsync(runtime, work, name, model, test, benchImages, "runtime", "fed_model_run");
                long referenceInstructions = await InstructionsAsync(runtime, work, name, model, test, benchImages, "reference", "fed_reference_run");
                double perRuntime = runtimeInstructions / (double)benchImages, perReference = referenceInstructions / (double)benchImages;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-5}  {report.FlashBytes,11}  {report.ArenaBytes,11}  {report.RamBytes,9}  {report.Macs,10}  {equal,8}/{test.Count,-10}  {int8Accuracy,8:P2}  {floatAccuracy,8:P2}  {perRuntime,17:N0}  {perReference,19:N0}  {perReference / perRuntime,17:F2}  {perRuntime / report.Macs,17:F2}"));
            }
            finally
            {
                if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
            }
        }
        return 0;
    }

    private static async Task<ParameterBuffer> TrainAsync(ModelArchitecture architecture, LabeledDataset data, TrainingConfig config)
    {
        ParameterBuffer initial = ParameterInitializer.Initialize(architecture, seed: (int)config.Seed);
        var trainer = new TorchTrainer(data, evaluation: null, device: "cpu", threads: 2);
        FitOutcome outcome = await trainer.FitAsync(architecture, initial, config);
        ParameterBuffer trained = initial.Clone();
        System.Numerics.Tensors.TensorPrimitives.Add(trained.Values, outcome.Delta.Values, trained.Values);
        return trained;
    }

    /// <summary>Runs the host build over every test image (from a file of raw int8 inputs) and compares with Int8Engine.</summary>
    private static async Task<(int Equal, double Int8Accuracy, double FloatAccuracy)> FullTestSetAsync(
        string runtime, string work, string name, QuantizedModel model, ParameterBuffer parameters, LabeledDataset test)
    {
        var engine = new Int8Engine(model);
        var inputs = new sbyte[test.Count * engine.InputLength];
        engine.QuantizeInput(test.Features, inputs);
        var logits = new sbyte[test.Count * engine.OutputCount];
        engine.RunBatch(inputs.AsSpan(), logits);

        string directory = Path.Combine(work, "full");
        var generated = CGenerator.Generate(model, new CGeneratorOptions { Name = name });
        generated.WriteTo(directory);
        File.WriteAllText(Path.Combine(directory, CBatchSource.FileName), CBatchSource.Generate(generated, inputs.AsSpan(0, engine.InputLength)));
        string file = Path.Combine(directory, "inputs.bin");
        await File.WriteAllBytesAsync(file, MemoryMarshal.AsBytes(inputs.AsSpan()).ToArray());
        await RunAsync("make", ["-C", runtime, "--no-print-directory", "host", "MODEL_DIR=" + directory, "OUT=" + Path.Combine(directory, "build")]);
        string stdout = await RunAsync(Path.Combine(directory, "build", "host", "fed_batch"), [file]);

        int equal = 0, correct = 0, index = 0;
        int outputs = engine.OutputCount;
        foreach (string line in stdout.Split('\n'))
        {
            if (!line.StartsWith("out ", StringComparison.Ordinal)) continue;
            string[] words = line.Split(' ');
            bool same = true;
            for (int j = 0; j < outputs; j++)
                same &= unchecked((sbyte)byte.Parse(words[3].AsSpan(2 * j, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)) == logits[index * outputs + j];
            if (same) equal++;
            if (int.Parse(words[2], CultureInfo.InvariantCulture) == test.Labels[index]) correct++;
            index++;
        }
        if (index != test.Count) throw new InvalidOperationException($"The host build printed {index} outputs for {test.Count} images.");

        var floatClasses = new int[test.Count];
        new FloatEngine(model.Architecture, parameters).Classify(test.Features, floatClasses);
        int floatCorrect = 0;
        for (int i = 0; i < test.Count; i++) if (floatClasses[i] == test.Labels[i]) floatCorrect++;
        return (equal, correct / (double)test.Count, floatCorrect / (double)test.Count);
    }

    /// <summary>Instructions callgrind counts inside <paramref name="function"/> over a compiled-in batch.</summary>
    private static async Task<long> InstructionsAsync(string runtime, string work, string name, QuantizedModel model, LabeledDataset test, int count, string mode, string function)
    {
        string directory = Path.Combine(work, "bench");
        if (!File.Exists(Path.Combine(directory, "build", "bench", "fed_bench")))
        {
            var generated = CGenerator.Generate(model, new CGeneratorOptions { Name = name, IncludeReferenceBias = true });
            generated.WriteTo(directory);
            var engine = new Int8Engine(model);
            var inputs = new sbyte[count * engine.InputLength];
            engine.QuantizeInput(test.Features[..inputs.Length], inputs);
            File.WriteAllText(Path.Combine(directory, CBatchSource.FileName), CBatchSource.Generate(generated, inputs));
            await RunAsync("make", ["-C", runtime, "--no-print-directory", "bench", "MODEL_DIR=" + directory, "OUT=" + Path.Combine(directory, "build")]);
        }
        string output = await RunAsync("valgrind",
            ["--tool=callgrind", "--toggle-collect=" + function, "--callgrind-out-file=" + Path.Combine(directory, mode + ".callgrind"),
             Path.Combine(directory, "build", "bench", "fed_bench"), mode], includeStderr: true);
        var match = CollectedPattern().Match(output);
        if (!match.Success) throw new InvalidOperationException($"callgrind printed no instruction count:\n{output}");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static async Task<string> RunAsync(string file, IEnumerable<string> arguments, bool includeStderr = false)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ProcessTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        return includeStderr ? await stdout + await stderr : await stdout;
    }

    private static string FindRuntime()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "edge", "runtime", "Makefile"))) directory = directory.Parent;
        return directory is null
            ? throw new InvalidOperationException("edge/runtime/Makefile not found above the benchmark's binaries.")
            : Path.Combine(directory.FullName, "edge", "runtime");
    }

    [GeneratedRegex(@"Collected\s*:\s*(\d+)")]
    private static partial Regex CollectedPattern();
}
