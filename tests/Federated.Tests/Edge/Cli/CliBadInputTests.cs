using Federated.Edge.Cli.Inputs;
using Federated.Edge.Export;
using Federated.Edge.Quantization;
using Federated.Shared.Models;
using Federated.Shared.Serialization;

namespace Federated.Tests.Edge.Cli;

/// <summary>Bad files and bad options get exit code 1 (or the parser's 1) and a message naming what is wrong.</summary>
public sealed class CliBadInputTests : IDisposable
{
    private static readonly ModelArchitecture Small = ModelArchitecture.Parse("input 1x4x4; flatten; linear 16 8; relu; linear 8 3");
    private readonly string _folder = Directory.CreateTempSubdirectory("federated-edge-bad-").FullName;

    public CliBadInputTests()
    {
        ModelFile.WriteFile(PathOf("small.fedmodel"), new ModelSnapshot(2, Small, ParameterInitializer.Initialize(Small, 3)));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static async Task<string> FailsAsync(params string[] args)
    {
        var result = await EdgeCli.RunAsync(args);
        Assert.True(result.ExitCode != 0, result.ToString());
        return result.Error;
    }

    [Fact]
    public async Task A_truncated_model_file_is_refused_by_its_checksum()
    {
        byte[] file = await File.ReadAllBytesAsync(PathOf("small.fedmodel"));
        await File.WriteAllBytesAsync(PathOf("cut.fedmodel"), file[..^10]);

        string error = await FailsAsync("export", "--model", PathOf("cut.fedmodel"), "--output", PathOf("x.onnx"));

        Assert.Contains("cut.fedmodel", error, StringComparison.Ordinal);
        Assert.Contains("checksum", error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("x.onnx")));
    }

    [Fact]
    public async Task A_model_file_of_another_model_than_expected_is_refused()
    {
        string error = await FailsAsync("export", "--model", PathOf("small.fedmodel"), "--output", PathOf("x.onnx"), "--expected-hash", new string('a', 64));

        Assert.Contains("not the expected", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Raw_input_that_is_not_whole_examples_names_the_file_and_the_sizes()
    {
        InputReader.WriteRaw(PathOf("odd.f32"), new float[16 * 3 + 5]);

        string error = await FailsAsync("run", "--model", PathOf("small.fedmodel"), "--input", PathOf("odd.f32"));

        Assert.Contains("odd.f32", error, StringComparison.Ordinal);
        Assert.Contains("212 bytes", error, StringComparison.Ordinal);
        Assert.Contains("16 float32 values", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_input_of_the_wrong_width_names_both_widths()
    {
        await File.WriteAllTextAsync(PathOf("wide.csv"), "a,b,c\n1,2,3\n4,5,6\n");

        string error = await FailsAsync("run", "--model", PathOf("small.fedmodel"), "--input", PathOf("wide.csv"));

        Assert.Contains("has 3 values per example; the model takes 16", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Non_finite_input_is_refused_with_its_example()
    {
        var values = new float[16 * 2];
        values[16 + 3] = float.NaN;
        InputReader.WriteRaw(PathOf("nan.f32"), values);

        string error = await FailsAsync("run", "--model", PathOf("small.fedmodel"), "--input", PathOf("nan.f32"));

        Assert.Contains("non-finite value (NaN) in example 1", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_calibration_set_of_the_wrong_shape_is_refused()
    {
        InputReader.WriteRaw(PathOf("calibration.f32"), new float[10 * 15]);

        string error = await FailsAsync("quantize", "--model", PathOf("small.fedmodel"), "--calibration", PathOf("calibration.f32"), "--output", PathOf("q.onnx"));

        Assert.Contains("calibration.f32", error, StringComparison.Ordinal);
        Assert.Contains("16 float32 values", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quantize_refuses_a_corrupt_onnx_file_and_an_int8_one()
    {
        await File.WriteAllBytesAsync(PathOf("corrupt.onnx"), [8, 7, 18, 3]);
        var snapshot = ModelFile.ReadFile(PathOf("small.fedmodel"));
        var quantized = ModelQuantizer.Quantize(Small, snapshot.Parameters, new float[16 * 4]);
        await File.WriteAllBytesAsync(PathOf("int8.onnx"), OnnxExporter.ExportQuantized(quantized));
        InputReader.WriteRaw(PathOf("calibration.f32"), new float[16 * 4]);

        string corrupt = await FailsAsync("quantize", "--model", PathOf("corrupt.onnx"), "--calibration", PathOf("calibration.f32"), "--output", PathOf("q.onnx"));
        string int8 = await FailsAsync("quantize", "--model", PathOf("int8.onnx"), "--calibration", PathOf("calibration.f32"), "--output", PathOf("q.onnx"));

        Assert.Contains("corrupt.onnx' is truncated or corrupt", corrupt, StringComparison.Ordinal);
        Assert.Contains("int8.onnx' is qdq-s8s8, not FP32", int8, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_and_bad_options_are_named()
    {
        Assert.Contains("missing.onnx' does not exist", await FailsAsync("run", "--model", PathOf("missing.onnx"), "--input", "x"), StringComparison.Ordinal);
        Assert.Contains("--batch-size must be positive", await FailsAsync("run", "--model", PathOf("small.fedmodel"), "--input", "x", "--batch-size", "0"), StringComparison.Ordinal);
        Assert.Contains("--percentile must be in (50, 100]", await FailsAsync("quantize", "--model", "m", "--calibration", "c", "--output", "o", "--method", "percentile", "--percentile", "20"), StringComparison.Ordinal);
        Assert.Contains("--flash-budget '12Q'", await FailsAsync("codegen", "--model", "m", "--calibration", "c", "--output-dir", "o", "--flash-budget", "12Q"), StringComparison.Ordinal);
        Assert.Contains("--output", await FailsAsync("export", "--model", PathOf("small.fedmodel")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_reads_csv_with_a_header_and_a_label_column()
    {
        var values = new System.Text.StringBuilder("label," + string.Join(',', Enumerable.Range(0, 16).Select(i => "p" + i)) + "\n");
        values.Append("0," + string.Join(',', Enumerable.Repeat("0.5", 16)) + "\n");
        values.Append("2," + string.Join(',', Enumerable.Repeat("-0.5", 16)) + "\n");
        await File.WriteAllTextAsync(PathOf("labeled.csv"), values.ToString());

        var result = await EdgeCli.RunAsync("run", "--model", PathOf("small.fedmodel"), "--input", PathOf("labeled.csv"), "--label-column", "label");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("2 examples", result.Output, StringComparison.Ordinal);
        Assert.Contains("accuracy:", result.Output, StringComparison.Ordinal);
    }
}
