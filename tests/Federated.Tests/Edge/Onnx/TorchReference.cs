using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Federated.Tests.Edge.Onnx;

/// <summary>TorchSharp as the independent reference: its forward pass, and a short training run for models with real margins.</summary>
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
        return module.call(input).data<float>().ToArray();
    }

    /// <summary>
    /// A few Adam steps over the first examples of <paramref name="examples"/>, from the seeded
    /// initialization: enough for logits with clear margins, so INT8 vs FP32 agreement means something.
    /// </summary>
    public static ParameterBuffer Train(ModelArchitecture architecture, Federated.Shared.Data.LabeledDataset examples, int count, int seed)
    {
        ParameterBuffer parameters = ParameterInitializer.Initialize(architecture, seed);
        torch.manual_seed(seed);
        using var module = TorchModelFactory.Create(architecture);
        TorchParameters.CopyToModule(module, parameters);
        module.train();
        using var optimizer = optim.Adam(module.parameters(), 1e-3);
        const int batch = 64;
        long[] exampleShape = [.. architecture.InputShape.ToArray().Select(d => (long)d)];
        for (int start = 0; start + batch <= count; start += batch)
        {
            using var scope = torch.NewDisposeScope();
            float[] x = examples.Features.Slice(start * examples.FeaturesPerExample, batch * examples.FeaturesPerExample).ToArray();
            long[] y = new long[batch];
            for (int i = 0; i < batch; i++) y[i] = examples.Labels[start + i];
            optimizer.zero_grad();
            Tensor loss = nn.functional.cross_entropy(module.call(torch.tensor(x, [batch, .. exampleShape])), torch.tensor(y));
            loss.backward();
            optimizer.step();
        }
        TorchParameters.CopyFromModule(module, parameters);
        return parameters;
    }
}
