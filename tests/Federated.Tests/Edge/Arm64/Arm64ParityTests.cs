using Federated.Edge.Cli.Inputs;
using Federated.Edge.Export;
using Federated.Edge.Quantization;
using Federated.Tests.Edge.Cli;

namespace Federated.Tests.Edge.Arm64;

/// <summary>
/// The same INT8 model, run by <c>federated-edge run</c> on x64 and by its linux-arm64 publish under
/// qemu-aarch64 (ONNX Runtime's arm64 kernels, emulated), gives the same classes on a test batch and
/// logits within the quantization tolerance.
/// </summary>
public sealed class Arm64ParityTests : IDisposable
{
    private static readonly TimeSpan EmulatedRunTimeout = TimeSpan.FromMinutes(3);
    private readonly string _folder = Directory.CreateTempSubdirectory("federated-edge-arm64-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Int8_model_gives_the_same_classes_on_arm64_as_on_x64()
    {
        var trained = TrainedModels.Mlp;
        var quantized = ModelQuantizer.Quantize(trained.Architecture, trained.Parameters, TrainedModels.CalibrationSet.Features);
        string model = Path.Combine(_folder, "int8.onnx");
        await File.WriteAllBytesAsync(model, OnnxExporter.ExportQuantized(quantized));
        var batch = TrainedModels.TestSubset.Take(200);
        string input = Path.Combine(_folder, "batch.f32");
        InputReader.WriteRaw(input, batch.Features);

        string x64Csv = Path.Combine(_folder, "x64.csv");
        var x64 = await EdgeCli.RunAsync("run", "--model", model, "--input", input, "--output", x64Csv);
        Assert.True(x64.ExitCode == 0, x64.ToString());
        string armCsv = Path.Combine(_folder, "arm64.csv");
        var arm = await Arm64Cli.RunAsync(EmulatedRunTimeout, "run", "--model", model, "--input", input, "--output", armCsv);
        Assert.True(arm.ExitCode == 0, arm.ToString());

        var (x64Classes, x64Logits) = EdgeCli.ReadRunCsv(x64Csv);
        var (armClasses, armLogits) = EdgeCli.ReadRunCsv(armCsv);
        Assert.Equal(batch.Count, armClasses.Length);
        Assert.Equal(x64Classes, armClasses);
        // Both are dequantized int8 logits: x64 and arm64 kernels may round an intermediate differently, by one output step.
        float step = quantized.Output.Scale;
        for (int i = 0; i < batch.Count; i++)
        {
            for (int c = 0; c < x64Logits[i].Length; c++)
                Assert.True(Math.Abs(x64Logits[i][c] - armLogits[i][c]) <= step * 1.01f,
                    $"example {i} class {c}: x64 {x64Logits[i][c]}, arm64 {armLogits[i][c]}, output step {step}");
        }
    }
}
