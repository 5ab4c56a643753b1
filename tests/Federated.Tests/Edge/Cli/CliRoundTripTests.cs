using System.Globalization;
using Federated.Edge.Cli.Inputs;
using Federated.Edge.Quantization;
using Federated.Edge.Reference;
using Federated.Edge.Runtime;
using Federated.Shared.Serialization;

namespace Federated.Tests.Edge.Cli;

/// <summary>
/// The CLI end to end on a trained model: export -> quantize -> run -> inspect -> codegen, each step's
/// output checked against what the library's reference engines compute independently.
/// </summary>
public sealed class CliRoundTripTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("federated-edge-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    [Fact]
    public async Task Export_quantize_run_inspect_round_trip_matches_the_reference_engines()
    {
        var trained = TrainedModels.Mlp;
        var snapshot = new ModelSnapshot(5, trained.Architecture, trained.Parameters);
        ModelFile.WriteFile(PathOf("mlp.fedmodel"), snapshot);
        InputReader.WriteRaw(PathOf("calibration.f32"), TrainedModels.CalibrationSet.Features);
        var test = TrainedModels.TestSubset.Take(500);
        InputReader.WriteRaw(PathOf("test.f32"), test.Features);

        var export = await EdgeCli.RunAsync("export", "--model", PathOf("mlp.fedmodel"), "--output", PathOf("fp32.onnx"), "--expected-hash", snapshot.ContentHash);
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Contains(snapshot.ContentHash, export.Output, StringComparison.Ordinal);

        var quantize = await EdgeCli.RunAsync("quantize", "--model", PathOf("mlp.fedmodel"), "--calibration", PathOf("calibration.f32"), "--method", "minmax", "--output", PathOf("int8.onnx"));
        Assert.True(quantize.ExitCode == 0, quantize.ToString());
        Assert.Contains("Calibrating on 256 examples", quantize.Output, StringComparison.Ordinal);
        // Quantizing the FP32 export gives the same INT8 model as quantizing the model file.
        var fromOnnx = await EdgeCli.RunAsync("quantize", "--model", PathOf("fp32.onnx"), "--calibration", PathOf("calibration.f32"), "--output", PathOf("int8-from-onnx.onnx"));
        Assert.True(fromOnnx.ExitCode == 0, fromOnnx.ToString());
        Assert.Equal(await File.ReadAllBytesAsync(PathOf("int8.onnx")), await File.ReadAllBytesAsync(PathOf("int8-from-onnx.onnx")));
        double sizeRatio = (double)new FileInfo(PathOf("int8.onnx")).Length / new FileInfo(PathOf("fp32.onnx")).Length;
        Assert.InRange(sizeRatio, 0.2, 0.3);

        var runFloat = await EdgeCli.RunAsync("run", "--model", PathOf("fp32.onnx"), "--input", PathOf("test.f32"), "--output", PathOf("fp32.csv"));
        Assert.True(runFloat.ExitCode == 0, runFloat.ToString());
        var runInt8 = await EdgeCli.RunAsync("run", "--model", PathOf("int8.onnx"), "--input", PathOf("test.f32"), "--output", PathOf("int8.csv"), "--batch-size", "37");
        Assert.True(runInt8.ExitCode == 0, runInt8.ToString());

        // FP32: ONNX Runtime's logits are the managed float engine's.
        var (floatClasses, floatLogits) = EdgeCli.ReadRunCsv(PathOf("fp32.csv"));
        var engine = new FloatEngine(trained.Architecture, trained.Parameters);
        var expected = new float[test.Count * 10];
        engine.RunBatch(test.Features, expected);
        Assert.Equal(test.Count, floatClasses.Length);
        for (int i = 0; i < test.Count; i++)
        {
            for (int c = 0; c < 10; c++) Assert.Equal(expected[i * 10 + c], floatLogits[i][c], 1e-4f);
        }

        // INT8: the CLI's logits are what the library's runner gives on the whole batch at once (the CLI batched by 37).
        var (int8Classes, int8Logits) = EdgeCli.ReadRunCsv(PathOf("int8.csv"));
        using (var runner = EdgeModel.Load(PathOf("int8.onnx")))
        {
            float[] direct = runner.Run(test.Features, test.Count);
            for (int i = 0; i < test.Count; i++)
            {
                for (int c = 0; c < 10; c++) Assert.Equal(direct[i * 10 + c], int8Logits[i][c], 1e-5f);
            }
        }

        // ... and ONNX Runtime's integer kernels agree with the contract's reference engine on nearly every class,
        // logits within two output steps: ORT requantizes in float, the contract in Q31 fixed point, so a hidden
        // activation can land one step apart on a rounding boundary and carry that into the next layer.
        var quantized = ModelQuantizer.Quantize(trained.Architecture, trained.Parameters, TrainedModels.CalibrationSet.Features);
        var int8 = new Int8Engine(quantized);
        var referenceClasses = new int[test.Count];
        int8.Classify(test.Features, referenceClasses);
        int agree = 0;
        for (int i = 0; i < test.Count; i++) agree += int8Classes[i] == referenceClasses[i] ? 1 : 0;
        Assert.True(agree >= test.Count * 0.99, $"{agree}/{test.Count} classes agree with the INT8 reference engine");
        var referenceLogits = new sbyte[test.Count * 10];
        int8.RunBatch(test.Features, referenceLogits);
        double totalSteps = 0, maxSteps = 0;
        for (int i = 0; i < test.Count; i++)
        {
            for (int c = 0; c < 10; c++)
            {
                double steps = Math.Abs(quantized.Output.Dequantize(referenceLogits[i * 10 + c]) - int8Logits[i][c]) / quantized.Output.Scale;
                totalSteps += steps;
                maxSteps = Math.Max(maxSteps, steps);
            }
        }
        Assert.True(totalSteps / (test.Count * 10) <= 0.25 && maxSteps <= 2.01, $"|ORT - reference|: mean {totalSteps / (test.Count * 10):F3}, max {maxSteps:F2} output steps");

        // Accuracy printed from labels: run on the IDX test set with labels, first 500 images.
        var accuracy = await EdgeCli.RunAsync("run", "--model", PathOf("int8.onnx"), "--input", "fashion-mnist", "--limit", "500");
        Assert.True(accuracy.ExitCode == 0, accuracy.ToString());
        int correct = 0;
        for (int i = 0; i < test.Count; i++) correct += int8Classes[i] == test.Labels[i] ? 1 : 0;
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"accuracy: {100.0 * correct / test.Count:F2}% ({correct}/{test.Count})"), accuracy.Output, StringComparison.Ordinal);

        // Inspect: the optimized graph runs integer kernels, and the activation parameters are the quantizer's.
        var inspect = await EdgeCli.RunAsync("inspect", "--model", PathOf("int8.onnx"));
        Assert.True(inspect.ExitCode == 0, inspect.ToString());
        string kernels = inspect.Output.Split('\n').Single(l => l.StartsWith("kernels ONNX Runtime runs", StringComparison.Ordinal));
        Assert.Matches("QGemm|QLinearMatMul|MatMulInteger", kernels);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"scale {quantized.Input.Scale:G6}, zero point {quantized.Input.ZeroPoint}"), inspect.Output, StringComparison.Ordinal);
        Assert.Contains($"metadata federated.content-hash = {snapshot.ContentHash}", inspect.Output, StringComparison.Ordinal);

        // Bench: both models timed at batch 1 and 64, the INT8 row with its size ratio to the FP32 baseline.
        var bench = await EdgeCli.RunAsync("bench", "--model", PathOf("fp32.onnx"), "--model", PathOf("int8.onnx"), "--iterations", "5", "--warmup", "1");
        Assert.True(bench.ExitCode == 0, bench.ToString());
        Assert.Contains("batch 1 ms", bench.Output, StringComparison.Ordinal);
        Assert.Contains("batch 64 ms", bench.Output, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"size ratio to the first: {sizeRatio:F3}"), bench.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Codegen_writes_C_data_and_enforces_the_flash_budget()
    {
        var trained = TrainedModels.Mlp;
        ModelFile.WriteFile(PathOf("mlp.fedmodel"), new ModelSnapshot(1, trained.Architecture, trained.Parameters));
        InputReader.WriteRaw(PathOf("calibration.f32"), TrainedModels.CalibrationSet.Features);

        var generated = await EdgeCli.RunAsync("codegen", "--model", PathOf("mlp.fedmodel"), "--calibration", PathOf("calibration.f32"), "--output-dir", PathOf("c"), "--name", "mlp");
        Assert.True(generated.ExitCode == 0, generated.ToString());
        Assert.True(File.Exists(PathOf("c/mlp_data.h")) && File.Exists(PathOf("c/mlp_data.c")));
        // The MLP has about 199,000 int8 weights: 64 KB of flash cannot hold them.
        var refused = await EdgeCli.RunAsync("codegen", "--model", PathOf("mlp.fedmodel"), "--calibration", PathOf("calibration.f32"), "--output-dir", PathOf("c2"), "--flash-budget", "64K");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("flash", refused.Error, StringComparison.OrdinalIgnoreCase);
    }
}
