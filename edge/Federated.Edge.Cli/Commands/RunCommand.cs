using System.CommandLine;
using System.Globalization;
using System.Text;
using Federated.Edge.Cli.Inputs;

namespace Federated.Edge.Cli.Commands;

/// <summary><c>run</c>: classifies examples with ONNX Runtime; accuracy when labels are given; classes and logits to a CSV.</summary>
internal static class RunCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var model = new Option<string>("--model", "-m") { Description = "An ONNX model (FP32 or INT8 QDQ), or a Federated model file (run as FP32).", Required = true };
        var input = new InputOptions("input", "Examples to classify", defaultLimit: 0);
        var batchSize = new Option<int>("--batch-size") { Description = "Examples per ONNX Runtime call.", DefaultValueFactory = _ => 64 };
        var threads = ThreadsOption();
        var fast = FastX64Option();
        var destination = new Option<string?>("--output", "-o") { Description = "Write one CSV row per example: index, class, label (when known), then the logits." };
        var show = new Option<int>("--show") { Description = "Print the classes of this many first examples.", DefaultValueFactory = _ => 10 };
        var command = new Command("run", "Runs a model on IDX, CSV or raw float32 input and prints classes (and accuracy, with labels).") { model, batchSize, threads, fast, destination, show };
        input.AddTo(command);
        command.Validators.Add(result =>
        {
            if (Given.TryGet(result, batchSize, out int size) && size < 1) result.AddError("--batch-size must be positive.");
            if (Given.TryGet(result, show, out int shown) && shown < 0) result.AddError("--show must be 0 or positive.");
        });
        AddThreadsCheck(command, threads);
        command.SetAction((result, _) => CommandRunner.RunAsync(error, () =>
        {
            using var edge = ModelLoading.Load(result.GetValue(model)!, result.GetValue(threads), !result.GetValue(fast));
            var batch = InputReader.Read(input.ToSpec(result), edge.InputLength);
            int classes = edge.OutputLength;
            var logits = new float[batch.Count * classes];
            int step = result.GetValue(batchSize);
            for (int first = 0; first < batch.Count; first += step)
            {
                int count = Math.Min(step, batch.Count - first);
                edge.Run(batch.Slice(first, count), count, logits.AsSpan(first * classes, count * classes));
            }
            var predicted = new int[batch.Count];
            for (int i = 0; i < batch.Count; i++) predicted[i] = ArgMax(logits.AsSpan(i * classes, classes));

            if (result.GetValue(destination) is { } path) WriteCsv(path, predicted, batch.Labels, logits, classes);
            Report(output, batch, predicted, result.GetValue(show), result.GetValue(model)!);
            return Task.FromResult(0);
        }));
        return command;
    }

    internal static Option<bool> FastX64Option() => new("--fast-x64-int8")
    {
        Description = "On x86-64 CPUs without VNNI, let ONNX Runtime use its saturating u8s8 kernels: faster, but INT8 sums can be wrong (by default it uses exact u8u8 kernels).",
    };

    internal static Option<int> ThreadsOption() => new("--threads")
    {
        Description = "ONNX Runtime threads inside one operator (0 = its default, one per physical core).",
    };

    internal static void AddThreadsCheck(Command command, Option<int> threads) =>
        command.Validators.Add(result =>
        {
            if (Given.TryGet(result, threads, out int t) && t < 0) result.AddError("--threads must be 0 (default) or positive.");
        });

    private static void Report(TextWriter output, InputBatch batch, int[] predicted, int show, string model)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{batch.Count} examples of '{batch.Source}' through '{model}'"));
        int shown = Math.Min(show, predicted.Length);
        if (shown > 0)
        {
            var line = new StringBuilder("classes:");
            for (int i = 0; i < shown; i++) line.Append(CultureInfo.InvariantCulture, $" {predicted[i]}");
            if (shown < predicted.Length) line.Append(" ...");
            output.WriteLine(line.ToString());
        }
        if (batch.Labels is { } labels)
        {
            int correct = 0;
            for (int i = 0; i < predicted.Length; i++) correct += predicted[i] == labels[i] ? 1 : 0;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"accuracy: {100.0 * correct / predicted.Length:F2}% ({correct}/{predicted.Length})"));
        }
    }

    private static void WriteCsv(string path, int[] predicted, int[]? labels, float[] logits, int classes)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        writer.Write("index,class");
        if (labels is not null) writer.Write(",label");
        for (int c = 0; c < classes; c++) writer.Write(string.Create(CultureInfo.InvariantCulture, $",logit{c}"));
        writer.WriteLine();
        for (int i = 0; i < predicted.Length; i++)
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{i},{predicted[i]}"));
            if (labels is not null) writer.Write(string.Create(CultureInfo.InvariantCulture, $",{labels[i]}"));
            // "R" round-trips the float exactly, so another machine's logits can be compared bit for bit.
            for (int c = 0; c < classes; c++) writer.Write("," + logits[i * classes + c].ToString("R", CultureInfo.InvariantCulture));
            writer.WriteLine();
        }
    }

    /// <summary>The first index of the largest score (ties go to the lower class, as ArgMax in ONNX and PyTorch).</summary>
    internal static int ArgMax(ReadOnlySpan<float> scores)
    {
        int best = 0;
        for (int c = 1; c < scores.Length; c++)
        {
            if (scores[c] > scores[best]) best = c;
        }
        return best;
    }
}
