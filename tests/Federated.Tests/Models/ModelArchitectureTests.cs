using Federated.Shared.Models;

namespace Federated.Tests.Models;

public class ModelArchitectureTests
{
    [Fact]
    public void Classic_cnn_has_the_published_parameter_count_and_pytorch_names()
    {
        var cnn = ModelZoo.Cnn();
        Assert.Equal(1_199_882, cnn.Layout.TotalLength);
        Assert.Equal(10, cnn.OutputCount);
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "7.weight", "7.bias", "10.weight", "10.bias"], cnn.Layout.Tensors.Select(t => t.Name));
        Assert.Equal([128, 9216], cnn.Layout.Tensors[4].Shape.ToArray());
    }

    [Fact]
    public void Canonical_text_round_trips()
    {
        foreach (var architecture in new[] { ModelZoo.Cnn(), ModelZoo.Mlp(), ModelZoo.LogisticRegression(13, 3) })
        {
            var parsed = ModelArchitecture.Parse(architecture.ToCanonicalString());
            Assert.Equal(architecture, parsed);
            Assert.Equal(architecture.Layout, parsed.Layout);
        }
        Assert.Equal("input 4; linear 4 3", ModelZoo.LogisticRegression(4, 3).ToCanonicalString());
    }

    [Fact]
    public void Inconsistent_or_unknown_layers_are_refused_with_the_culprit()
    {
        var mismatch = Assert.Throws<FormatException>(() => ModelArchitecture.Parse("input 1x28x28; flatten; linear 100 10"));
        Assert.Contains("linear 100 10", mismatch.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<FormatException>(() => ModelArchitecture.Parse("input 4; lstm 4 3"));
        Assert.Contains("lstm", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => ModelArchitecture.Parse("input 1x28x28; conv2d 1 8 3"));
        Assert.Throws<FormatException>(() => ModelArchitecture.Parse("linear 4 3"));
        Assert.Throws<FormatException>(() => ModelArchitecture.Parse("input 4; dropout 1.5; linear 4 3"));
    }

    [Fact]
    public void Initialisation_is_seeded_and_bounded_by_fan_in()
    {
        var cnn = ModelZoo.Cnn();
        var a = ParameterInitializer.Initialize(cnn, 7);
        var b = ParameterInitializer.Initialize(cnn, 7);
        var c = ParameterInitializer.Initialize(cnn, 8);
        Assert.Equal(a.Array, b.Array);
        Assert.NotEqual(a.Array, c.Array);
        float bound = 1f / MathF.Sqrt(9216);
        foreach (float value in a.Tensor("7.weight")) Assert.InRange(value, -bound, bound);
    }

    [Fact]
    public void Zoo_resolves_names_and_texts()
    {
        Assert.Equal(ModelZoo.Cnn(), ModelZoo.Resolve("CNN"));
        Assert.Equal(ModelZoo.LogisticRegression(4, 3), ModelZoo.Resolve("input 4; linear 4 3"));
        Assert.Throws<ArgumentException>(() => ModelZoo.Resolve("resnet"));
    }
}
