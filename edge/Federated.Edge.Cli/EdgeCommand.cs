using System.CommandLine;
using Federated.Edge.Cli.Commands;

namespace Federated.Edge.Cli;

/// <summary>The command line of <c>federated-edge</c>; output and errors go to the writers given, so tests run it in process.</summary>
internal static class EdgeCommand
{
    public static RootCommand Create(TextWriter output, TextWriter error) =>
        new("Deploys a federation's global model to devices: ONNX export, INT8 quantization, ONNX Runtime inference and benchmarks on x64/ARM64, and C for microcontrollers.")
        {
            ExportCommand.Create(output, error),
            QuantizeCommand.Create(output, error),
            RunCommand.Create(output, error),
            BenchCommand.Create(output, error),
            InspectCommand.Create(output, error),
            PullCommand.Create(output, error),
            CodegenCommand.Create(output, error),
        };

    public static Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        Create(output, error).Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
}
