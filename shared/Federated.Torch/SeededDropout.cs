using TorchSharp;
using static TorchSharp.torch;

namespace Federated.Torch;

/// <summary>
/// Inverted dropout (Srivastava et al. 2014) that draws its masks from a generator of its own
/// rather than libtorch's process-wide one, so several models can train at once in one process
/// (a simulation's worker pool) and each stays reproducible from its own seed.
/// Same semantics as <c>nn.Dropout</c>: zero with probability p while training, scale the rest
/// by 1/(1−p); identity in evaluation mode.
/// </summary>
internal sealed class SeededDropout : nn.Module<Tensor, Tensor>
{
    private readonly double _probability;
    private readonly Generator _generator;

    public SeededDropout(double probability, Generator generator) : base(nameof(SeededDropout))
    {
        _probability = probability;
        _generator = generator;
    }

    public override Tensor forward(Tensor input)
    {
        if (!training || _probability == 0) return input.alias();
        using var draws = torch.rand(input.shape, dtype: input.dtype, device: input.device, generator: _generator);
        using var keep = draws.ge(_probability);
        return input.mul(keep).div_(1 - _probability);
    }
}
