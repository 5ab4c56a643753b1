using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Federated.Client.Torch;

/// <summary>
/// FedProx's proximal term μ/2 ‖w − w_global‖² (Li et al. 2020), applied as its gradient
/// μ (w − w_global) added to each parameter's gradient after the backward pass: the same update
/// as differentiating the augmented loss, without building the term into the autograd graph.
/// </summary>
internal sealed class ProximalTerm : IDisposable
{
    private readonly Parameter[] _parameters;
    private readonly Tensor[] _anchors;
    private readonly double _mu;

    /// <summary>Remembers the module's current (global) parameters as the anchor.</summary>
    public ProximalTerm(nn.Module module, double mu)
    {
        _mu = mu;
        _parameters = [.. module.parameters()];
        _anchors = new Tensor[_parameters.Length];
        using var noGrad = torch.no_grad();
        for (int i = 0; i < _parameters.Length; i++) _anchors[i] = _parameters[i].detach().clone();
    }

    public void AddGradient()
    {
        using var noGrad = torch.no_grad();
        for (int i = 0; i < _parameters.Length; i++)
        {
            var gradient = _parameters[i].grad;
            if (gradient is null) continue;
            using var pull = _parameters[i].sub(_anchors[i]);
            gradient.add_(pull, alpha: _mu);
        }
    }

    public void Dispose()
    {
        foreach (var anchor in _anchors) anchor.Dispose();
    }
}
