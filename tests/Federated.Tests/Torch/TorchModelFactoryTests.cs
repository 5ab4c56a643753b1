using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Torch;

namespace Federated.Tests.Torch;

[Collection(TorchTestGroup.Name)]
public sealed class TorchModelFactoryTests
{
    [Fact]
    public void Cnn_HasTheReferenceParameterCount_AndTheLayoutsNamesAndShapes()
    {
        ModelArchitecture cnn = ModelZoo.Cnn();
        using var module = TorchModelFactory.Create(cnn);

        long total = 0;
        var names = new List<string>();
        foreach (var (name, parameter) in module.named_parameters())
        {
            TensorSpec expected = cnn.Layout.Tensors[names.Count];
            Assert.Equal(expected.Name, name);
            Assert.Equal(expected.ShapeAsInt64(), parameter.shape);
            names.Add(name);
            total += parameter.numel();
        }
        Assert.Equal(1_199_882, total);
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "7.weight", "7.bias", "10.weight", "10.bias"], names);
    }

    [Fact]
    public void Cnn_ForwardPass_GivesTenScoresPerExample()
    {
        using var module = TorchModelFactory.Create(ModelZoo.Cnn());
        using var input = TorchSharp.torch.zeros(3, 1, 28, 28);
        using var output = module.call(input);

        Assert.Equal([3L, 10L], output.shape);
    }
}
