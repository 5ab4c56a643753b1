using System.Numerics.Tensors;

namespace Federated.Client.Managed.Internal.Optimization;

/// <summary>
/// <c>torch.optim.Adam</c> (Kingma and Ba 2015) with PyTorch's defaults β = (0.9, 0.999),
/// ε = 1e-8 and its order of operations: g += λw; m = β₁m + (1−β₁)g; v = β₂v + (1−β₂)g²;
/// w −= lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε).
/// </summary>
internal sealed class AdamOptimizer : ParameterOptimizer
{
    // Doubles, like PyTorch's hyperparameters; each is rounded to float where it meets a tensor.
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const float Epsilon = 1e-8f;

    private readonly float _learningRate;
    private readonly float _weightDecay;
    private readonly float[] _firstMoment;
    private readonly float[] _secondMoment;
    private readonly float[] _scratch;
    private int _step;

    public AdamOptimizer(float learningRate, float weightDecay, int length)
    {
        _learningRate = learningRate;
        _weightDecay = weightDecay;
        _firstMoment = new float[length];
        _secondMoment = new float[length];
        _scratch = new float[length];
    }

    public override void Step(Span<float> parameters, Span<float> gradients)
    {
        _step++;
        double biasCorrection1 = 1 - Math.Pow(Beta1, _step);
        double biasCorrection2 = 1 - Math.Pow(Beta2, _step);
        Span<float> scratch = _scratch;
        if (_weightDecay != 0) TensorPrimitives.MultiplyAdd(parameters, _weightDecay, gradients, gradients);

        TensorPrimitives.Multiply(_firstMoment, (float)Beta1, _firstMoment);
        TensorPrimitives.MultiplyAdd(gradients, (float)(1 - Beta1), _firstMoment, _firstMoment);

        TensorPrimitives.Multiply(gradients, gradients, scratch);
        TensorPrimitives.Multiply(_secondMoment, (float)Beta2, _secondMoment);
        TensorPrimitives.MultiplyAdd(scratch, (float)(1 - Beta2), _secondMoment, _secondMoment);

        // scratch = √v / √(1−β₂ᵗ) + ε, then m / scratch.
        TensorPrimitives.Sqrt(_secondMoment, scratch);
        TensorPrimitives.Divide(scratch, (float)Math.Sqrt(biasCorrection2), scratch);
        TensorPrimitives.Add(scratch, Epsilon, scratch);
        TensorPrimitives.Divide(_firstMoment, scratch, scratch);
        TensorPrimitives.MultiplyAdd(scratch, (float)(-_learningRate / biasCorrection1), parameters, parameters);
    }
}
