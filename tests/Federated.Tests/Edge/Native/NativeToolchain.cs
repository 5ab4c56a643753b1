using System.Globalization;
using System.Text;

namespace Federated.Tests.Edge.Native;

/// <summary>
/// Builds and runs the C runtime with real compilers (gcc, arm-none-eabi-gcc) through its Makefile
/// and runs Cortex-M builds under real qemu-system-arm. Every run has a timeout and is killed past it.
/// </summary>
internal static class NativeToolchain
{
    public static readonly string[] Boards = ["mps2-an385", "mps2-an386", "mps2-an505"];

    public static string RuntimeDirectory => Path.Combine(ExternalProcess.RepositoryRoot, "edge", "runtime");

    /// <summary>A fresh directory for one test's generated files and builds; delete it with <see cref="Delete"/>.</summary>
    public static string NewWorkDirectory(string tag)
    {
        string path = Path.Combine(Path.GetTempPath(), "federated-tests", "native-" + tag + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string directory)
    {
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }

    /// <summary>Runs make in edge/runtime; returns its stdout, or fails the test with the compiler's messages.</summary>
    public static async Task MakeAsync(string target, string modelDirectory, string outDirectory, params string[] variables)
    {
        var arguments = new List<string> { "-C", RuntimeDirectory, "--no-print-directory", target, "MODEL_DIR=" + modelDirectory, "OUT=" + outDirectory };
        arguments.AddRange(variables);
        var (exit, stdout, stderr) = await ExternalProcess.RunAsync("make", arguments, TimeSpan.FromSeconds(120));
        Assert.True(exit == 0, $"make {target} failed ({exit}):\n{stdout}\n{stderr}");
    }

    /// <summary>Builds the host batch program and runs it over its compiled-in batch, or over a file of raw int8 inputs.</summary>
    public static async Task<BatchOutputs> RunHostAsync(string modelDirectory, int outputSize, string? inputFile = null)
    {
        string outDirectory = Path.Combine(modelDirectory, "build");
        await MakeAsync("host", modelDirectory, outDirectory);
        string[] arguments = inputFile is null ? [] : [inputFile];
        var (exit, stdout, stderr) = await ExternalProcess.RunAsync(Path.Combine(outDirectory, "host", "fed_batch"), arguments, TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, $"host program exited with {exit}:\n{stdout}\n{stderr}");
        return BatchOutputs.Parse(stdout, outputSize);
    }

    /// <summary>Builds the batch program for a board and runs it headless under qemu-system-arm with semihosting.</summary>
    public static async Task<BatchOutputs> RunBoardAsync(string modelDirectory, string board, int outputSize, TimeSpan timeout)
    {
        string outDirectory = Path.Combine(modelDirectory, "build");
        await MakeAsync("board", modelDirectory, outDirectory, "BOARD=" + board);
        string elf = Path.Combine(outDirectory, board, "fed_batch.elf");
        var (exit, stdout, stderr) = await ExternalProcess.RunAsync("qemu-system-arm",
            ["-M", board, "-nographic", "-monitor", "none", "-semihosting-config", "enable=on,target=native", "-kernel", elf], timeout);
        Assert.True(exit == 0, $"{board} under QEMU exited with {exit}:\n{stdout}\n{stderr}");
        return BatchOutputs.Parse(stdout, outputSize);
    }
}

/// <summary>What the batch harness printed: each input's class and int8 outputs.</summary>
internal sealed record BatchOutputs(int LayerBytes, int[] Classes, sbyte[][] Outputs)
{
    public static BatchOutputs Parse(string stdout, int outputSize)
    {
        int layerBytes = -1;
        var classes = new List<int>();
        var outputs = new List<sbyte[]>();
        int? done = null;
        foreach (string raw in stdout.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            string[] words = line.Split(' ');
            switch (words[0])
            {
                case "layer_bytes":
                    layerBytes = int.Parse(words[1], CultureInfo.InvariantCulture);
                    break;
                case "out":
                    Assert.Equal(outputs.Count, int.Parse(words[1], CultureInfo.InvariantCulture));
                    classes.Add(int.Parse(words[2], CultureInfo.InvariantCulture));
                    Assert.Equal(2 * outputSize, words[3].Length);
                    var values = new sbyte[outputSize];
                    for (int j = 0; j < outputSize; j++) values[j] = unchecked((sbyte)byte.Parse(words[3].AsSpan(2 * j, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    outputs.Add(values);
                    break;
                case "done":
                    done = int.Parse(words[1], CultureInfo.InvariantCulture);
                    break;
                case "error":
                    Assert.Fail($"The runtime reported an error: {line}");
                    break;
            }
        }
        Assert.True(done == outputs.Count, $"The batch program did not finish its batch:\n{Tail(stdout)}");
        return new BatchOutputs(layerBytes, classes.ToArray(), outputs.ToArray());
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : text[^2000..];

    public string Describe(int index)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"#{index}: class {Classes[index]}, [");
        text.AppendJoin(", ", Outputs[index]);
        return text.Append(']').ToString();
    }
}
