using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Torch;

namespace Federated.Tests.Torch;

[Collection(TorchTestGroup.Name)]
public sealed class TorchParametersTests
{
    [Fact]
    public void CnnParameters_RoundTripThroughTheModule_BitForBit()
    {
        ModelArchitecture cnn = ModelZoo.Cnn();
        ParameterBuffer original = ParameterInitializer.Initialize(cnn, seed: 11);
        using var module = TorchModelFactory.Create(cnn);

        TorchParameters.CopyToModule(module, original);
        var back = new ParameterBuffer(cnn.Layout);
        TorchParameters.CopyFromModule(module, back);

        Assert.True(original.Values.SequenceEqual(back.Values));
    }

    [Fact]
    public void CopyToModule_ReallyChangesWhatTheModuleComputes()
    {
        ModelArchitecture model = ModelZoo.LogisticRegression(2, 2);
        var parameters = new ParameterBuffer(model.Layout, [1, 0, 0, 1, 0.5f, -0.5f]); // identity weights, bias ±0.5
        using var module = TorchModelFactory.Create(model);

        TorchParameters.CopyToModule(module, parameters);
        using var input = TorchSharp.torch.tensor(new float[] { 3, 4 }, [1, 2]);
        using var output = module.call(input);

        Assert.Equal([3.5f, 3.5f], output.data<float>().ToArray());
    }

    [Fact]
    public void LayoutOfAnotherModel_IsRejected_NamingTheFirstMismatch()
    {
        using var module = TorchModelFactory.Create(ModelZoo.Mlp());
        var other = new ParameterBuffer(ModelZoo.Mlp(hidden: 100).Layout);

        var error = Assert.Throws<ArgumentException>(() => TorchParameters.CopyToModule(module, other));

        Assert.Contains("Parameter 0 of the module is '0.weight' [200x784]", error.Message, StringComparison.Ordinal);
        Assert.Contains("0.weight[100x784]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LayoutWithFewerTensors_IsRejected_NamingTheExtraOne()
    {
        using var module = TorchModelFactory.Create(ModelZoo.LogisticRegression(4, 3));
        var shorter = new ParameterLayout([new TensorSpec("0.weight", 3, 4)]);

        var error = Assert.Throws<ArgumentException>(() => TorchParameters.CopyFromModule(module, new ParameterBuffer(shorter)));

        Assert.Contains("'0.bias' is extra", error.Message, StringComparison.Ordinal);
    }
}
