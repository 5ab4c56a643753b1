using System.Numerics.Tensors;

namespace Federated.Client.Managed.Internal.Optimization;

/// <summary>
/// FedProx's proximal term μ/2 ‖w − w_global‖² (Li et al. 2020), applied as its gradient
/// μ(w − w_global) added to the loss gradient before the optimizer step — the TorchSharp
/// trainer's order, so weight decay and momentum see the same gradient on both.
/// </summary>
internal sealed class ProximalPull
{
    private readonly float[] _anchor;
    private readonly float[] _scratch;
    private readonly float _mu;

    /// <param name="anchor">The global parameters the local ones are pulled towards (copied).</param>
    public ProximalPull(ReadOnlySpan<float> anchor, double mu)
    {
        _anchor = anchor.ToArray();
        _scratch = new float[anchor.Length];
        _mu = (float)mu;
    }

    public void AddGradient(ReadOnlySpan<float> parameters, Span<float> gradients)
    {
        TensorPrimitives.Subtract(parameters, _anchor, _scratch);
        TensorPrimitives.MultiplyAdd(_scratch, _mu, gradients, gradients);
    }
}
