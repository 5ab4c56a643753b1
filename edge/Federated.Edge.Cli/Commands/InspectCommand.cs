using System.CommandLine;
using System.Globalization;
using Federated.Edge.Runtime;
using Federated.Shared.Serialization;

namespace Federated.Edge.Cli.Commands;

/// <summary>
/// <c>inspect</c>: what a model holds (layers, size, metadata, quantization parameters) and which kernels
/// ONNX Runtime runs after optimizing it: the file's QDQ nodes are not what executes.
/// </summary>
internal static class InspectCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var model = new Option<string>("--model", "-m") { Description = "An ONNX model or a Federated model file.", Required = true };
        var parameters = new Option<bool>("--all-parameters") { Description = "List every QuantizeLinear/DequantizeLinear node's scales, not only the activations'." };
        var command = new Command("inspect", "Shows a model's layers, size, metadata, quantization parameters and the kernels ONNX Runtime chose.") { model, parameters };
        command.SetAction((result, _) => CommandRunner.RunAsync(error, () =>
        {
            string path = result.GetValue(model)!;
            if (ModelFiles.IsFederatedModel(path)) DescribeModelFile(output, path);
            byte[] onnx = ModelLoading.OnnxBytes(path);
            DescribeOnnx(output, onnx, path, result.GetValue(parameters));
            return Task.FromResult(0);
        }));
        return command;
    }

    private static void DescribeModelFile(TextWriter output, string path)
    {
        var snapshot = ModelFiles.ReadSnapshot(path);
        var architecture = snapshot.Architecture!;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Federated model file '{path}': {new FileInfo(path).Length} bytes, round {snapshot.Round}, content hash {snapshot.ContentHash} (checksum verified)"));
        output.WriteLine($"architecture: {architecture}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"parameters: {snapshot.Parameters.Length} float32"));
        for (int i = 0; i < architecture.Layers.Count; i++)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  layer {i}: {architecture.Layers[i]}"));
        output.WriteLine("As FP32 ONNX (exported in memory):");
    }

    private static void DescribeOnnx(TextWriter output, byte[] onnx, string path, bool allParameters)
    {
        var summary = OnnxInspector.Describe(onnx, $"model '{path}'");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ONNX: {summary.SizeBytes} bytes ({summary.InitializerBytes} in {summary.InitializerCount} constants), IR {summary.IrVersion}, producer '{summary.Producer}', opsets {string.Join(", ", summary.Opsets)}"));
        foreach (var (key, value) in summary.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            output.WriteLine($"  metadata {key} = {value}");
        foreach (var tensor in summary.Inputs) output.WriteLine($"  input  {tensor}");
        foreach (var tensor in summary.Outputs) output.WriteLine($"  output {tensor}");
        output.WriteLine($"file nodes ({summary.Nodes.Count}): {CountByOp(summary.Nodes)}");

        var kernels = OnnxInspector.OptimizedNodes(onnx, source: $"model '{path}'");
        output.WriteLine($"kernels ONNX Runtime runs after optimization ({kernels.Count}): {CountByOp(kernels)}");
        foreach (var node in kernels) output.WriteLine($"  {node.QualifiedOpType,-28} {node.Name}");

        var quantization = OnnxInspector.QuantizationParameters(onnx, $"model '{path}'");
        if (quantization.Count == 0)
        {
            output.WriteLine("quantization: none (FP32 model)");
            return;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"quantization parameters ({quantization.Count} Q/DQ nodes):"));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var q in quantization)
        {
            if (q.IsConstant && !allParameters)
            {
                if (seen.Add(q.Tensor))
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {q.Tensor,-28} {q.QuantizedType,-6} per channel (axis {q.Axis?.ToString(CultureInfo.InvariantCulture) ?? "-"}): {q.Scales.Count} scales in [{q.Scales.Min():G4}, {q.Scales.Max():G4}]"));
                continue;
            }
            if (!seen.Add(q.Tensor + q.OpType)) continue;
            string scales = q.Scales.Count == 1
                ? string.Create(CultureInfo.InvariantCulture, $"scale {q.Scales[0]:G6}, zero point {q.ZeroPoints[0]}")
                : string.Create(CultureInfo.InvariantCulture, $"{q.Scales.Count} scales in [{q.Scales.Min():G4}, {q.Scales.Max():G4}]");
            output.WriteLine($"  {q.OpType,-16} {q.Tensor,-28} {q.QuantizedType,-6} {scales}");
        }
    }

    private static string CountByOp(IReadOnlyList<OnnxNodeInfo> nodes) =>
        string.Join(", ", nodes.GroupBy(n => n.QualifiedOpType, StringComparer.Ordinal).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key}×{g.Count()}")));
}
