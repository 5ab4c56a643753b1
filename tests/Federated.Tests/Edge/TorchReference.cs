using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Federated.Tests.Edge;

/// <summary>TorchSharp as the independent reference for the FP32 export and the managed float engine: its forward pass in eval mode.</summary>
internal static class TorchReference
{
    /// <summary>The module's logits in eval mode (dropout off) for <paramref name="count"/> examples.</summary>
    public static float[] Logits(ModelArchitecture architecture, ParameterBuffer parameters, ReadOnlySpan<float> features, int count)
    {
        using var scope = torch.NewDisposeScope();
        using var module = TorchModelFactory.Create(architecture);
        TorchParameters.CopyToModule(module, parameters);
        module.eval();
        using var noGrad = torch.no_grad();
        long[] shape = [count, .. architecture.InputShape.ToArray().Select(d => (long)d)];
        Tensor input = torch.tensor(features.ToArray(), shape);
        return module.call(input).contiguous().data<float>().ToArray();
    }
}
