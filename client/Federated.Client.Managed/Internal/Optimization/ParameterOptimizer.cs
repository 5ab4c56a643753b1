using Federated.Shared.Training;

namespace Federated.Client.Managed.Internal.Optimization;

/// <summary>
/// Updates the trained parameters from their gradients, with PyTorch's update rules so a
/// managed client and a TorchSharp client given the same task compute the same update.
/// Works on one flat span; all state is allocated once, for that span's length.
/// </summary>
internal abstract class ParameterOptimizer
{
    public static ParameterOptimizer Create(TrainingConfig config, int length)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Optimizer switch
        {
            OptimizerKind.Sgd => new SgdOptimizer((float)config.LearningRate, (float)config.Momentum, (float)config.WeightDecay, length),
            OptimizerKind.Adam => new AdamOptimizer((float)config.LearningRate, (float)config.WeightDecay, length),
            _ => throw new ArgumentOutOfRangeException(nameof(config), config.Optimizer, "Unknown optimizer; use Sgd or Adam."),
        };
    }

    /// <summary>One step. <paramref name="gradients"/> is scratch afterwards (weight decay is added into it).</summary>
    public abstract void Step(Span<float> parameters, Span<float> gradients);
}
