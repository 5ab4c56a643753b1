using Federated.Client.Managed.Internal;
using Federated.Shared.Data;
using Federated.Shared.Models;

namespace Federated.Tests.ManagedTraining;

/// <summary>The backward passes against central finite differences of the mean cross-entropy.</summary>
public sealed class GradientCheckTests
{
    private const int Batch = 3;
    private const float Step = 1e-3f;

    [Theory]
    [InlineData("input 5; linear 5 4; relu; linear 4 3")]
    [InlineData("input 2x3x2; flatten; linear 12 6; relu; dropout 0.3; linear 6 6; relu; linear 6 3")]
    [InlineData("input 2x6x6; conv2d 2 3 3; relu; maxpool2d 2; flatten; linear 12 3")]
    [InlineData("input 1x7x7; conv2d 1 2 2; relu; conv2d 2 3 2; maxpool2d 2; flatten; linear 12 4")]
    public void AnalyticGradients_MatchCentralDifferences(string text)
    {
        ModelArchitecture architecture = ModelArchitecture.Parse(text);
        float[] parameters = ParameterInitializer.Initialize(architecture, seed: 11).Array;
        var gradients = new float[parameters.Length];
        LabeledDataset data = SyntheticData.Random(Batch, architecture.InputShape, architecture.OutputCount, seed: 12);
        // Dropout is identity outside training, so the check sees the deterministic network. The
        // seeded inputs keep every ReLU input and max-pool runner-up farther than the step from a
        // kink, where a central difference would straddle two slopes.
        var network = new Network(architecture, 0, architecture.Layers.Count, parameters, Batch, new NetworkTraining(0, gradients, 0, new UniformSource(1)));

        data.Features.CopyTo(network.Input(Batch));
        network.Forward(Batch, training: false);
        SoftmaxCrossEntropy.Evaluate(network.Output(Batch), data.Labels, architecture.OutputCount, network.OutputGradient(Batch));
        network.Backward(Batch);

        double largest = 0;
        for (int i = 0; i < parameters.Length; i++)
        {
            float original = parameters[i];
            parameters[i] = original + Step;
            double above = MeanLoss(network, data);
            parameters[i] = original - Step;
            double below = MeanLoss(network, data);
            parameters[i] = original;

            double numeric = (above - below) / (2 * Step);
            largest = Math.Max(largest, Math.Abs(numeric));
            Assert.True(Math.Abs(gradients[i] - numeric) <= 2e-3 + 2e-2 * Math.Abs(numeric),
                $"{architecture.Layout.Tensors[TensorOf(architecture, i)].Name} element {i}: analytic {gradients[i]:G6}, numeric {numeric:G6}");
        }
        Assert.True(largest > 1e-2, "every gradient is (nearly) zero, so the check proves nothing");
    }

    private static double MeanLoss(Network network, LabeledDataset data)
    {
        data.Features.CopyTo(network.Input(Batch));
        network.Forward(Batch, training: false);
        return SoftmaxCrossEntropy.Evaluate(network.Output(Batch), data.Labels, network.OutputWidth, Span<float>.Empty).LossSum / Batch;
    }

    private static int TensorOf(ModelArchitecture architecture, int element)
    {
        int tensor = 0;
        while (tensor + 1 < architecture.Layout.Count && architecture.Layout.OffsetOf(tensor + 1) <= element) tensor++;
        return tensor;
    }
}
