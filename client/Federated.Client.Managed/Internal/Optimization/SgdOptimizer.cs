using System.Numerics.Tensors;

namespace Federated.Client.Managed.Internal.Optimization;

/// <summary>
/// <c>torch.optim.SGD</c> without dampening or Nesterov: g += λw; b = μb + g (b = g on the first
/// step); w −= lr·b.
/// </summary>
internal sealed class SgdOptimizer : ParameterOptimizer
{
    private readonly float _learningRate;
    private readonly float _momentum;
    private readonly float _weightDecay;
    private readonly float[]? _velocity;
    private bool _started;

    public SgdOptimizer(float learningRate, float momentum, float weightDecay, int length)
    {
        _learningRate = learningRate;
        _momentum = momentum;
        _weightDecay = weightDecay;
        _velocity = momentum != 0 ? new float[length] : null;
    }

    public override void Step(Span<float> parameters, Span<float> gradients)
    {
        if (_weightDecay != 0) TensorPrimitives.MultiplyAdd(parameters, _weightDecay, gradients, gradients);
        ReadOnlySpan<float> direction = gradients;
        if (_velocity is not null)
        {
            if (_started) TensorPrimitives.MultiplyAdd(_velocity, _momentum, gradients, _velocity);
            else gradients.CopyTo(_velocity);
            _started = true;
            direction = _velocity;
        }
        TensorPrimitives.MultiplyAdd(direction, -_learningRate, parameters, parameters);
    }
}
