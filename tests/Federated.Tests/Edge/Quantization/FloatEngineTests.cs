using Federated.Edge.Reference;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Tests.Torch;

namespace Federated.Tests.Edge.Quantization;

[Collection(TorchTestGroup.Name)]
public sealed class FloatEngineTests
{
    [Fact]
    public void TrainedMlpAndCnn_MatchTorchSharp_WithinOneE4()
    {
        foreach (TrainedModel trained in new[] { TrainedModels.Mlp, TrainedModels.Cnn })
        {
            LabeledDataset test = TrainedModels.TestSubset.Take(64);
            float difference = MaxDifferenceFromTorch(trained.Architecture, trained.Parameters, test.Features.ToArray(), test.Count);
            Assert.True(difference <= 1e-4f, $"{trained.Architecture}: largest logit difference {difference:G3}");
        }
    }

    [Fact]
    public void EveryLayerKind_MatchesTorchSharp_WithinOneE4()
    {
        ModelArchitecture architecture = ModelArchitecture.Parse(
            "input 2x11x11; conv2d 2 4 3; maxpool2d 2; relu; conv2d 4 5 2; relu; dropout 0.1; flatten; linear 45 7; relu; linear 7 3");
        ParameterBuffer parameters = ParameterInitializer.Initialize(architecture, seed: 9);
        const int count = 32;
        float[] inputs = Int8EngineTests.RandomInputs(count * architecture.InputLength, seed: 10);

        float difference = MaxDifferenceFromTorch(architecture, parameters, inputs, count);

        Assert.True(difference <= 1e-4f, $"largest logit difference {difference:G3}");
    }

    [Fact]
    public void Observer_SeesEveryActivationWithItsShape()
    {
        ModelArchitecture cnn = ModelZoo.Cnn();
        var engine = new FloatEngine(cnn, ParameterInitializer.Initialize(cnn, seed: 3));
        var observer = new RecordingObserver();
        var logits = new float[10];

        engine.Run(TrainedModels.TestSubset.Example(0), logits, observer);

        int[] expected = [784, 32 * 26 * 26, 32 * 26 * 26, 64 * 24 * 24, 64 * 24 * 24, 64 * 12 * 12, 9216, 9216, 128, 128, 128, 10];
        Assert.Equal(expected, observer.Lengths);
        Assert.Equal(Enumerable.Range(0, 12), observer.Indices);
        Assert.Equal(logits, observer.Last);
        Assert.True(observer.MinAfterRelu >= 0);
    }

    [Fact]
    public void BadInputs_AreRejectedWithTheExpectedShape()
    {
        ModelArchitecture mlp = ModelZoo.Mlp();
        var engine = new FloatEngine(mlp, ParameterInitializer.Initialize(mlp, seed: 1));

        var error = Assert.Throws<ArgumentException>(() => engine.Run(new float[783], new float[10]));
        Assert.Contains("784", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => engine.RunBatch(new float[784 * 2 + 1], new float[20]));
        var layout = Assert.Throws<ArgumentException>(() => new FloatEngine(ModelZoo.Cnn(), ParameterInitializer.Initialize(mlp, seed: 1)));
        Assert.Contains("layout", layout.Message, StringComparison.Ordinal);
    }

    private static float MaxDifferenceFromTorch(ModelArchitecture architecture, ParameterBuffer parameters, float[] inputs, int count)
    {
        var engine = new FloatEngine(architecture, parameters);
        var ours = new float[count * engine.OutputCount];
        engine.RunBatch(inputs, ours);

        float[] theirs = TorchReference.Logits(architecture, parameters, inputs, count);

        Assert.Equal(theirs.Length, ours.Length);
        float worst = 0;
        for (int i = 0; i < ours.Length; i++) worst = Math.Max(worst, Math.Abs(ours[i] - theirs[i]));
        return worst;
    }

    private sealed class RecordingObserver : IActivationObserver
    {
        public List<int> Indices { get; } = [];

        public List<int> Lengths { get; } = [];

        public float[] Last { get; private set; } = [];

        public float MinAfterRelu { get; private set; } = float.PositiveInfinity;

        public void Observe(int activation, ReadOnlySpan<float> values)
        {
            Indices.Add(activation);
            Lengths.Add(values.Length);
            Last = values.ToArray();
            if (activation is 2 or 4 or 9)
                MinAfterRelu = Math.Min(MinAfterRelu, System.Numerics.Tensors.TensorPrimitives.Min(values));
        }
    }
}
