using System.Globalization;
using Federated.Edge.Cli.Inputs;
using Federated.Edge.Quantization;
using Federated.Shared.Serialization;

namespace Federated.Edge.Cli;

/// <summary>Static post-training quantization of a checkpoint with a calibration sample, shared by <c>quantize</c> and <c>codegen</c>.</summary>
internal static class Quantizing
{
    public static QuantizedModel Quantize(ModelSnapshot snapshot, InputSpec calibration, CalibrationMethod method, double percentile, TextWriter output)
    {
        var architecture = snapshot.Architecture!;
        var sample = InputReader.Read(calibration, architecture.InputLength);
        var options = method == CalibrationMethod.Percentile ? CalibrationOptions.PercentileOf(percentile) : CalibrationOptions.MinMax;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Calibrating on {sample.Count} examples of '{sample.Source}' ({(method == CalibrationMethod.Percentile ? $"percentile {percentile}" : "min-max")})"));
        return ModelQuantizer.Quantize(architecture, snapshot.Parameters, sample.Features, options);
    }
}
