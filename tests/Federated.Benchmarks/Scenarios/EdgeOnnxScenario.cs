using System.Diagnostics;
using System.Globalization;
using Federated.Edge.Export;
using Federated.Edge.Quantization;
using Federated.Edge.Reference;
using Federated.Edge.Runtime;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Serialization;
using Federated.Shared.Training;

namespace Federated.Benchmarks.Scenarios;

/// <summary>
/// Issue 7's figures for ONNX Runtime on this machine: a CNN (trained here for one epoch with
/// TorchSharp, or a federation's model file given with --model) exported to FP32 ONNX and to
/// INT8 QDQ with min-max and percentile calibration; accuracy of each on the Fashion-MNIST test
/// set, file size ratio, and latency at batch 1 and batch 64, FP32 and INT8 timed interleaved in
/// the same rounds (the median of each is compared), on one intra-op thread.
/// <code>dotnet run -c Release --project tests/Federated.Benchmarks -- edge-onnx [--model path.fedmodel]
///   [--train 60000] [--images 10000] [--calibration 512] [--rounds 15] [--runs 40]</code>
/// </summary>
internal static class EdgeOnnxScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new ScenarioArguments(args);
        string? modelPath = options.Text("--model");
        int trainCount = options.Int("--train", 60_000);
        int images = options.Int("--images", 10_000);
        int calibrationCount = options.Int("--calibration", 512);
        int rounds = options.Int("--rounds", 15);
        int runs = options.Int("--runs", 40);
        options.ThrowOnUnknown();

        LabeledDataset train = FashionMnist.Load(FashionMnistSplit.Train);
        LabeledDataset test = FashionMnist.Load(FashionMnistSplit.Test).Take(images);
        // Calibration images from the end of the training set: a sample apart from the test set.
        var calibrationIndices = new int[calibrationCount];
        for (int i = 0; i < calibrationCount; i++) calibrationIndices[i] = train.Count - calibrationCount + i;
        LabeledDataset calibration = train.Select(calibrationIndices);

        ModelArchitecture architecture;
        ParameterBuffer parameters;
        if (modelPath is not null)
        {
            ModelSnapshot snapshot = ModelFile.ReadFile(modelPath);
            architecture = snapshot.Architecture ?? throw new ArgumentException($"{modelPath} names no architecture.");
            parameters = snapshot.Parameters;
            Console.WriteLine($"edge-onnx: model {modelPath} (round {snapshot.Round}, {architecture})");
        }
        else
        {
            architecture = ModelZoo.Cnn();
            var config = new TrainingConfig { BatchSize = 32, LearningRate = 0.001, Optimizer = OptimizerKind.Adam, Seed = 7 };
            var clock = Stopwatch.StartNew();
            parameters = await EdgeNativeScenario.TrainAsync(architecture, train.Take(trainCount), config);
            Console.WriteLine($"edge-onnx: CNN trained for one epoch on {trainCount} images in {clock.Elapsed.TotalSeconds:F0} s");
        }

        byte[] fp32 = OnnxExporter.ExportFloat(architecture, parameters);
        var variants = new List<(string Name, byte[] Onnx)> { ("fp32", fp32) };
        var quantized = new List<QuantizedModel>();
        foreach (var (name, calibrationOptions) in new[] { ("int8-minmax", CalibrationOptions.MinMax), ("int8-p99.99", CalibrationOptions.PercentileOf(99.99)) })
        {
            quantized.Add(ModelQuantizer.Quantize(architecture, parameters, calibration, calibrationOptions));
            variants.Add((name, OnnxExporter.ExportQuantized(quantized[^1])));
        }

        var engines = new List<(string Name, EdgeModel Model, long Bytes)>();
        try
        {
            foreach (var (name, onnx) in variants)
                engines.Add((name, EdgeModel.Load(onnx, new EdgeModelOptions { IntraOpThreads = 1 }, name), onnx.Length));
            // ONNX Runtime's default x64 int8 kernels (not exact without VNNI; see EdgeModelOptions.ExactX64Int8), for comparison.
            engines.Add(("int8-minmax-fast", EdgeModel.Load(variants[1].Onnx, new EdgeModelOptions { IntraOpThreads = 1, ExactX64Int8 = false }, "int8-minmax-fast"), variants[1].Onnx.Length));

            Console.WriteLine($"{images} test images, {calibrationCount} calibration images, latency: median of {rounds} interleaved rounds of {runs} runs, 1 thread");
            Console.WriteLine("variant            bytes       size/fp32  accuracy  agree_fp32  batch1_ms  b1/fp32  batch64_ms  b64/fp32");
            int[] reference = engines[0].Model.Classify(test.Features, test.Count);
            double[] batch1 = Latencies(engines, test, 1, rounds, runs);
            double[] batch64 = Latencies(engines, test, 64, rounds, Math.Max(1, runs / 8));
            for (int e = 0; e < engines.Count; e++)
            {
                var (name, model, bytes) = engines[e];
                int[] classes = model.Classify(test.Features, test.Count);
                int correct = 0, agree = 0;
                for (int i = 0; i < test.Count; i++)
                {
                    if (classes[i] == test.Labels[i]) correct++;
                    if (classes[i] == reference[i]) agree++;
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-17}  {bytes,10:N0}  {bytes / (double)fp32.Length,9:F3}  {correct / (double)test.Count,8:P2}  {agree / (double)test.Count,10:P2}  {batch1[e],9:F3}  {batch1[e] / batch1[0],7:F2}  {batch64[e],10:F3}  {batch64[e] / batch64[0],8:F2}"));
            }
            Console.WriteLine("ONNX Runtime INT8 against the contract's integer arithmetic (Int8Engine, which the C runtime matches bit for bit):");
            Console.WriteLine("variant            same_class  logits_equal  logits_1_step  worst_steps");
            for (int e = 1; e <= quantized.Count; e++)
                CompareWithReference(engines[e].Name, engines[e].Model, quantized[e - 1], test);
        }
        finally
        {
            foreach (var (_, model, _) in engines) model.Dispose();
        }
        return 0;
    }

    /// <summary>
    /// ORT's float logits are DequantizeLinear of its int8 logits, so the int8 codes come back exactly
    /// as round(logit / scale) + zero point; they are compared code by code with Int8Engine's.
    /// </summary>
    private static void CompareWithReference(string name, EdgeModel onnx, QuantizedModel model, LabeledDataset test)
    {
        int classes = model.Architecture.OutputCount;
        var expected = new sbyte[test.Count * classes];
        new Int8Engine(model).RunBatch(test.Features, expected);
        float[] logits = onnx.Run(test.Features, test.Count);
        var output = model.Output;
        int equal = 0, oneStep = 0, worst = 0, sameClass = 0;
        Span<sbyte> codes = stackalloc sbyte[classes];
        for (int i = 0; i < test.Count; i++)
        {
            for (int j = 0; j < classes; j++)
            {
                int code = (int)MathF.Round(logits[i * classes + j] / output.Scale) + output.ZeroPoint;
                codes[j] = (sbyte)code;
                int difference = Math.Abs(code - expected[i * classes + j]);
                if (difference == 0) equal++;
                else if (difference == 1) oneStep++;
                worst = Math.Max(worst, difference);
            }
            if (Int8Engine.ArgMax(codes) == Int8Engine.ArgMax(expected.AsSpan(i * classes, classes))) sameClass++;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-17}  {sameClass / (double)test.Count,10:P2}  {equal / (double)expected.Length,12:P3}  {oneStep / (double)expected.Length,13:P3}  {worst,11}"));
    }

    /// <summary>
    /// Median milliseconds per call at <paramref name="batch"/>, each engine timed in every round
    /// one after the other, so load from other processes falls on all of them alike.
    /// </summary>
    private static double[] Latencies(List<(string Name, EdgeModel Model, long Bytes)> engines, LabeledDataset test, int batch, int rounds, int runs)
    {
        ReadOnlySpan<float> input = test.Features[..(batch * test.FeaturesPerExample)];
        var logits = new float[batch * engines[0].Model.OutputLength];
        var samples = new double[engines.Count][];
        for (int e = 0; e < engines.Count; e++)
        {
            samples[e] = new double[rounds];
            for (int w = 0; w < 5; w++) engines[e].Model.Run(input, batch, logits); // warm-up
        }
        for (int r = 0; r < rounds; r++)
        {
            for (int e = 0; e < engines.Count; e++)
            {
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < runs; i++) engines[e].Model.Run(input, batch, logits);
                samples[e][r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds / runs;
            }
        }
        var medians = new double[engines.Count];
        for (int e = 0; e < engines.Count; e++)
        {
            Array.Sort(samples[e]);
            medians[e] = samples[e][rounds / 2];
        }
        return medians;
    }
}
