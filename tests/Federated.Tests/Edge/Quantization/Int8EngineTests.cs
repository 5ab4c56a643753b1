using Federated.Edge.Quantization;
using Federated.Edge.Reference;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Tests.Torch;

namespace Federated.Tests.Edge.Quantization;

[Collection(TorchTestGroup.Name)]
public sealed class Int8EngineTests
{
    public static TheoryData<string> TrainedNames => new() { "mlp", "cnn" };

    [Theory]
    [MemberData(nameof(TrainedNames))]
    public void TrainedModel_MatchesTheNaiveIntegerReference_BitForBit(string name)
    {
        TrainedModel trained = Trained(name);
        QuantizedModel model = ModelQuantizer.Quantize(trained.Architecture, trained.Parameters, TrainedModels.CalibrationSet);
        var engine = new Int8Engine(model);
        LabeledDataset test = TrainedModels.TestSubset.Take(name == "cnn" ? 8 : 100);

        var input = new sbyte[engine.InputLength];
        var logits = new sbyte[engine.OutputCount];
        for (int e = 0; e < test.Count; e++)
        {
            engine.QuantizeInput(test.Example(e), input);
            engine.Run(input, logits);
            Assert.Equal(NaiveInt8Reference.Run(model, input), logits);
        }
    }

    [Fact]
    public void SmallNetworkWithEveryLayerKind_MatchesTheNaiveIntegerReference_BitForBit()
    {
        // A standalone ReLU after max pooling, a fused ReLU, dropout, a pool that drops a remainder
        // row and column, and zero points far from −128 (calibration on inputs of both signs).
        ModelArchitecture architecture = ModelArchitecture.Parse(
            "input 2x11x11; conv2d 2 4 3; maxpool2d 2; relu; conv2d 4 5 2; relu; dropout 0.1; flatten; linear 45 7; relu; linear 7 3");
        ParameterBuffer parameters = ParameterInitializer.Initialize(architecture, seed: 5);
        float[] samples = RandomInputs(architecture.InputLength * 64, seed: 6);
        QuantizedModel model = ModelQuantizer.Quantize(architecture, parameters, samples);
        var engine = new Int8Engine(model);

        var input = new sbyte[engine.InputLength];
        var logits = new sbyte[engine.OutputCount];
        var random = new Random(7);
        for (int trial = 0; trial < 50; trial++)
        {
            random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(input.AsSpan()));
            engine.Run(input, logits);
            Assert.Equal(NaiveInt8Reference.Run(model, input), logits);
        }
    }

    [Theory]
    [MemberData(nameof(TrainedNames))]
    public void EveryWeightLayer_IsWithinOneLsbOfDequantizeComputeRequantize(string name)
    {
        TrainedModel trained = Trained(name);
        QuantizedModel model = ModelQuantizer.Quantize(trained.Architecture, trained.Parameters, TrainedModels.CalibrationSet);
        var engine = new Int8Engine(model);
        LabeledDataset test = TrainedModels.TestSubset.Take(name == "cnn" ? 3 : 50);
        var input = new sbyte[engine.InputLength];
        int compared = 0;
        for (int e = 0; e < test.Count; e++)
        {
            engine.QuantizeInput(test.Example(e), input);
            NaiveInt8Reference.Run(model, input, (layer, x, y) =>
            {
                sbyte[] expected = FloatLayerReference.Run(model, layer, x);
                for (int j = 0; j < y.Length; j++)
                    Assert.True(Math.Abs(y[j] - expected[j]) <= 1, $"layer {layer}, output {j}: engine {y[j]}, float reference {expected[j]}");
                compared += y.Length;
            });
        }
        Assert.True(compared > 0);
    }

    [Theory]
    [MemberData(nameof(TrainedNames))]
    public void Accuracy_OnATestSubset_IsWithinOnePointOfFp32_WithMinMaxAndPercentileCalibration(string name)
    {
        TrainedModel trained = Trained(name);
        LabeledDataset test = TrainedModels.TestSubset;
        var floatClasses = new int[test.Count];
        new FloatEngine(trained.Architecture, trained.Parameters).Classify(test.Features, floatClasses);
        double floatAccuracy = Accuracy(floatClasses, test.Labels);
        Assert.True(floatAccuracy > 0.7, $"the trained {name} reaches only {floatAccuracy:P1} in FP32");

        foreach (CalibrationOptions options in new[] { CalibrationOptions.MinMax, CalibrationOptions.PercentileOf(99.99) })
        {
            QuantizedModel model = ModelQuantizer.Quantize(trained.Architecture, trained.Parameters, TrainedModels.CalibrationSet, options);
            var int8Classes = new int[test.Count];
            new Int8Engine(model).Classify(test.Features, int8Classes);
            double int8Accuracy = Accuracy(int8Classes, test.Labels);
            Assert.True(Math.Abs(floatAccuracy - int8Accuracy) <= 0.01, $"{name}, {options.Method}: FP32 {floatAccuracy:P1}, INT8 {int8Accuracy:P1}");
        }
    }

    [Fact]
    public void RunBatchAndClassify_AgreeWithRunPerExample()
    {
        TrainedModel trained = TrainedModels.Mlp;
        QuantizedModel model = ModelQuantizer.Quantize(trained.Architecture, trained.Parameters, TrainedModels.CalibrationSet);
        var engine = new Int8Engine(model);
        LabeledDataset test = TrainedModels.TestSubset.Take(20);

        var batchLogits = new sbyte[test.Count * engine.OutputCount];
        engine.RunBatch(test.Features, batchLogits);
        var classes = new int[test.Count];
        engine.Classify(test.Features, classes);
        var logits = new sbyte[engine.OutputCount];
        var dequantized = new float[engine.OutputCount];
        for (int e = 0; e < test.Count; e++)
        {
            engine.Run(test.Example(e), logits);
            Assert.Equal(logits, batchLogits.AsSpan(e * engine.OutputCount, engine.OutputCount).ToArray());
            Assert.Equal(Int8Engine.ArgMax(logits), classes[e]);
            Assert.Equal(classes[e], engine.Classify(test.Example(e)));
            engine.Dequantize(logits, dequantized);
            for (int j = 0; j < logits.Length; j++)
                Assert.Equal(model.Output.Scale * (logits[j] - model.Output.ZeroPoint), dequantized[j]);
        }
    }

    [Fact]
    public void InputsOfTheWrongLength_AreRejected()
    {
        ModelArchitecture architecture = ModelArchitecture.Parse("input 4; linear 4 3");
        QuantizedModel model = ModelQuantizer.Quantize(architecture, ParameterInitializer.Initialize(architecture, 1), RandomInputs(40, 2));
        var engine = new Int8Engine(model);

        var error = Assert.Throws<ArgumentException>(() => engine.Run(new sbyte[5], new sbyte[3]));
        Assert.Contains("4 values", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => engine.Run(new sbyte[4], new sbyte[2]));
        Assert.Throws<ArgumentException>(() => engine.RunBatch(new float[10], new sbyte[6]));
        Assert.Throws<ArgumentException>(() => engine.Classify(new float[8], new int[3]));
    }

    private static TrainedModel Trained(string name) => name == "cnn" ? TrainedModels.Cnn : TrainedModels.Mlp;

    internal static double Accuracy(ReadOnlySpan<int> predicted, ReadOnlySpan<int> labels)
    {
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (predicted[i] == labels[i]) correct++;
        }
        return (double)correct / labels.Length;
    }

    internal static float[] RandomInputs(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 4 - 1.5);
        return values;
    }
}
