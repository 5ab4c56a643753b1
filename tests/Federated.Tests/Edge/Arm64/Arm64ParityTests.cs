using Federated.Edge.Cli.Inputs;
using Federated.Edge.Export;
using Federated.Edge.Quantization;
using Federated.Edge.Reference;
using Federated.Shared.Serialization;
using Federated.Tests.Edge.Cli;

namespace Federated.Tests.Edge.Arm64;

/// <summary>
/// The same model, run by <c>federated-edge run</c> on x64 and by its linux-arm64 publish under qemu-aarch64
/// (ONNX Runtime's arm64 kernels, emulated): same classes on a test batch, logits within tolerance.
/// </summary>
public sealed class Arm64ParityTests : IDisposable
{
    private const int BatchSize = 200;
    private static readonly TimeSpan EmulatedRunTimeout = TimeSpan.FromMinutes(3);
    private readonly string _folder = Directory.CreateTempSubdirectory("federated-edge-arm64-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    [Fact]
    public async Task Fp32_model_gives_the_same_classes_and_logits_on_arm64_as_on_x64()
    {
        var trained = TrainedModels.Mlp;
        ModelFile.WriteFile(PathOf("mlp.fedmodel"), new ModelSnapshot(1, trained.Architecture, trained.Parameters));
        await File.WriteAllBytesAsync(PathOf("fp32.onnx"), OnnxExporter.ExportFloat(trained.Architecture, trained.Parameters));

        var (x64, arm) = await RunBothAsync(PathOf("fp32.onnx"));

        Assert.Equal(x64.Classes, arm.Classes);
        for (int i = 0; i < BatchSize; i++)
        {
            for (int c = 0; c < x64.Logits[i].Length; c++) Assert.Equal(x64.Logits[i][c], arm.Logits[i][c], 1e-4f);
        }
    }

    /// <summary>
    /// INT8: the arm64 kernels give the contract reference engine's classes, and x64 (exact u8 kernels on CPUs
    /// without VNNI, EdgeModelOptions.ExactX64Int8) gives the same classes with logits within one output step.
    /// </summary>
    [Fact]
    public async Task Int8_model_gives_the_same_classes_on_arm64_as_on_x64()
    {
        var trained = TrainedModels.Mlp;
        var quantized = ModelQuantizer.Quantize(trained.Architecture, trained.Parameters, TrainedModels.CalibrationSet.Features);
        await File.WriteAllBytesAsync(PathOf("int8.onnx"), OnnxExporter.ExportQuantized(quantized));

        var (x64, arm) = await RunBothAsync(PathOf("int8.onnx"));

        var batch = TrainedModels.TestSubset.Take(BatchSize);
        var reference = new int[BatchSize];
        new Int8Engine(quantized).Classify(batch.Features, reference);
        Assert.Equal(reference, arm.Classes);
        Assert.Equal(x64.Classes, arm.Classes);
        float step = quantized.Output.Scale;
        for (int i = 0; i < BatchSize; i++)
        {
            for (int c = 0; c < x64.Logits[i].Length; c++)
                Assert.True(Math.Abs(x64.Logits[i][c] - arm.Logits[i][c]) <= step * 1.01f,
                    $"example {i} class {c}: x64 {x64.Logits[i][c]}, arm64 {arm.Logits[i][c]}, output step {step}");
        }
    }

    private async Task<((int[] Classes, float[][] Logits) X64, (int[] Classes, float[][] Logits) Arm)> RunBothAsync(string model)
    {
        string input = PathOf("batch.f32");
        InputReader.WriteRaw(input, TrainedModels.TestSubset.Take(BatchSize).Features);
        var x64 = await EdgeCli.RunAsync("run", "--model", model, "--input", input, "--output", PathOf("x64.csv"));
        Assert.True(x64.ExitCode == 0, x64.ToString());
        var arm = await Arm64Cli.RunAsync(EmulatedRunTimeout, "run", "--model", model, "--input", input, "--output", PathOf("arm64.csv"));
        Assert.True(arm.ExitCode == 0, arm.ToString());
        var armResult = EdgeCli.ReadRunCsv(PathOf("arm64.csv"));
        Assert.Equal(BatchSize, armResult.Classes.Length);
        return (EdgeCli.ReadRunCsv(PathOf("x64.csv")), armResult);
    }
}
