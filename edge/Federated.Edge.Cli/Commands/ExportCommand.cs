using System.CommandLine;
using System.Globalization;
using Federated.Edge.Export;

namespace Federated.Edge.Cli.Commands;

/// <summary><c>export</c>: a Federated model file to an FP32 ONNX model.</summary>
internal static class ExportCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var model = new Option<string>("--model", "-m") { Description = "The Federated model file (a coordinator checkpoint or a pulled global model).", Required = true };
        var expectedHash = new Option<string?>("--expected-hash") { Description = "Refuse the model file unless its parameters have this content hash." };
        var destination = new Option<string>("--output", "-o") { Description = "Where to write the FP32 ONNX model.", Required = true };
        var command = new Command("export", "Exports a model file to an FP32 ONNX model (checksum and content hash verified first).") { model, expectedHash, destination };
        command.SetAction((result, _) => CommandRunner.RunAsync(error, () =>
        {
            var snapshot = ModelFiles.ReadSnapshot(result.GetValue(model)!, result.GetValue(expectedHash));
            byte[] onnx = OnnxExporter.ExportFloat(snapshot, new OnnxExportOptions { Round = snapshot.Round, ContentHash = snapshot.ContentHash });
            string path = result.GetValue(destination)!;
            ModelFiles.WriteAtomically(path, onnx);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Exported round {snapshot.Round}'s model {snapshot.ContentHash} ({snapshot.Architecture}) to '{path}': {onnx.Length} bytes FP32 ONNX."));
            return Task.FromResult(0);
        }));
        return command;
    }
}
