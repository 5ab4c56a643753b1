using System.CommandLine;
using System.Globalization;
using Federated.Edge.CodeGen;

namespace Federated.Edge.Cli.Commands;

/// <summary><c>codegen</c>: quantizes a model file and writes the C data for the INT8 runtime in edge/runtime, within flash/RAM budgets.</summary>
internal static class CodegenCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var model = new Option<string>("--model", "-m") { Description = "The Federated model file (or its FP32 ONNX export) to quantize and generate C for.", Required = true };
        var calibration = new InputOptions("calibration", "Calibration examples", defaultLimit: 1000);
        var method = QuantizeCommand.MethodOption();
        var percentile = QuantizeCommand.PercentileOption();
        var destination = new Option<string>("--output-dir", "-o") { Description = "Folder for {name}_data.h and {name}_data.c.", Required = true };
        var name = new Option<string>("--name") { Description = "The model's C name (lower-case letters, digits, underscores).", DefaultValueFactory = _ => "model" };
        var flash = new Option<string?>("--flash-budget") { Description = "Fail unless the model's constant data fits this many bytes of flash (K/M suffixes: 256K)." };
        var ram = new Option<string?>("--ram-budget") { Description = "Fail unless the arena plus input and output buffers fit this many bytes of RAM (e.g. 64K)." };
        var softmax = new Option<bool>("--softmax") { Description = "Append an integer softmax: outputs become probabilities (scale 1/256) instead of logits." };
        var command = new Command("codegen", "Generates C (model_data.h/.c) of the INT8 model for microcontrollers, with its flash, RAM and MAC figures.")
        {
            model, method, percentile, destination, name, flash, ram, softmax,
        };
        calibration.AddTo(command);
        QuantizeCommand.AddPercentileCheck(command, percentile);
        command.Validators.Add(result =>
        {
            if (Given.TryGet(result, flash, out string? f) && f is not null && !TryParseBytes(f, out _)) result.AddError($"--flash-budget '{f}' is not a byte count such as 262144, 256K or 1M.");
            if (Given.TryGet(result, ram, out string? r) && r is not null && !TryParseBytes(r, out _)) result.AddError($"--ram-budget '{r}' is not a byte count such as 65536, 64K or 1M.");
        });
        command.SetAction((result, _) => CommandRunner.RunAsync(error, () =>
        {
            string modelPath = result.GetValue(model)!;
            var snapshot = ModelFiles.IsFederatedModel(modelPath) ? ModelFiles.ReadSnapshot(modelPath) : OnnxFloatModelReader.Read(modelPath);
            var quantized = Quantizing.Quantize(snapshot, calibration.ToSpec(result), result.GetValue(method), result.GetValue(percentile), output);
            var options = new CGeneratorOptions
            {
                Name = result.GetValue(name)!,
                FlashBudgetBytes = Budget(result.GetValue(flash)),
                RamBudgetBytes = Budget(result.GetValue(ram)),
                AppendSoftmax = result.GetValue(softmax),
            };
            var generated = CGenerator.Generate(quantized, options);
            var (header, source) = generated.WriteTo(result.GetValue(destination)!);
            output.WriteLine($"Wrote '{header}' and '{source}'.");
            output.WriteLine(generated.Report.ToText());
            return Task.FromResult(0);
        }));
        return command;
    }

    private static long? Budget(string? text) => text is not null && TryParseBytes(text, out long bytes) ? bytes : null;

    internal static bool TryParseBytes(string text, out long bytes)
    {
        bytes = 0;
        long unit = 1;
        string number = text.Trim();
        if (number.EndsWith('K') || number.EndsWith('k')) (unit, number) = (1024, number[..^1]);
        else if (number.EndsWith('M') || number.EndsWith('m')) (unit, number) = (1024 * 1024, number[..^1]);
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value <= 0 || value > long.MaxValue / unit) return false;
        bytes = value * unit;
        return true;
    }
}
