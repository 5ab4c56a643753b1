using System.CommandLine;
using System.Globalization;
using Federated.Edge.Export;
using Federated.Edge.Quantization;

namespace Federated.Edge.Cli.Commands;

/// <summary><c>quantize</c>: a model file and a calibration sample to an INT8 QDQ ONNX model.</summary>
internal static class QuantizeCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var model = new Option<string>("--model", "-m") { Description = "The Federated model file to quantize, or its FP32 ONNX export (federated-edge export).", Required = true };
        var calibration = new InputOptions("calibration", "Calibration examples (a few hundred representative inputs)", defaultLimit: 1000);
        var method = MethodOption();
        var percentile = PercentileOption();
        var destination = new Option<string>("--output", "-o") { Description = "Where to write the INT8 QDQ ONNX model.", Required = true };
        var command = new Command("quantize", "Quantizes a model to INT8 (weights symmetric per output channel, activations asymmetric per tensor, int32 bias) as a QDQ ONNX model ONNX Runtime runs with integer kernels.")
        {
            model, method, percentile, destination,
        };
        calibration.AddTo(command);
        AddPercentileCheck(command, percentile);
        command.SetAction((result, _) => CommandRunner.RunAsync(error, () =>
        {
            string modelPath = result.GetValue(model)!;
            var snapshot = ModelFiles.IsFederatedModel(modelPath) ? ModelFiles.ReadSnapshot(modelPath) : OnnxFloatModelReader.Read(modelPath);
            var quantized = Quantizing.Quantize(snapshot, calibration.ToSpec(result), result.GetValue(method), result.GetValue(percentile), output);
            byte[] onnx = OnnxExporter.ExportQuantized(quantized, new OnnxExportOptions { Round = snapshot.Round, ContentHash = snapshot.ContentHash });
            string path = result.GetValue(destination)!;
            ModelFiles.WriteAtomically(path, onnx);
            long floatBytes = OnnxExporter.ExportFloat(snapshot).LongLength;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Wrote INT8 QDQ ONNX '{path}': {onnx.Length} bytes, {(double)onnx.Length / floatBytes:F3} of the FP32 export's {floatBytes}."));
            return Task.FromResult(0);
        }));
        return command;
    }

    internal static Option<CalibrationMethod> MethodOption() => new("--method")
    {
        Description = "How activation ranges are calibrated: minmax (the observed range) or percentile (clips outliers; see --percentile).",
        DefaultValueFactory = _ => CalibrationMethod.MinMax,
    };

    internal static Option<double> PercentileOption() => new("--percentile")
    {
        Description = "With --method percentile: the share of values (in percent) each activation range keeps on each side, e.g. 99.99.",
        DefaultValueFactory = _ => 99.99,
    };

    internal static void AddPercentileCheck(Command command, Option<double> percentile) =>
        command.Validators.Add(result =>
        {
            if (Given.TryGet(result, percentile, out double p) && p is <= 50 or > 100) result.AddError("--percentile must be in (50, 100].");
        });
}
