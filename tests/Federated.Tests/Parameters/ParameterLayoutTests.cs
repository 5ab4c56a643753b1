using Federated.Shared.Parameters;

namespace Federated.Tests.Parameters;

public class ParameterLayoutTests
{
    private static ParameterLayout TwoTensors() => new([new TensorSpec("0.weight", 3, 2), new TensorSpec("0.bias", 3)]);

    [Fact]
    public void Offsets_lay_tensors_end_to_end()
    {
        var layout = TwoTensors();
        Assert.Equal(9, layout.TotalLength);
        Assert.Equal(0, layout.OffsetOf(0));
        Assert.Equal(6, layout.OffsetOf(1));
        Assert.Equal(1, layout.IndexOf("0.bias"));
    }

    [Fact]
    public void Canonical_text_round_trips_and_fingerprints_match()
    {
        var layout = TwoTensors();
        string text = layout.ToCanonicalString();
        Assert.Equal("0.weight:3x2;0.bias:3", text);
        var parsed = ParameterLayout.Parse(text);
        Assert.Equal(layout, parsed);
        Assert.Equal(layout.Fingerprint, parsed.Fingerprint);
    }

    [Fact]
    public void Layouts_differing_in_shape_or_order_are_not_equal()
    {
        var reordered = new ParameterLayout([new TensorSpec("0.bias", 3), new TensorSpec("0.weight", 3, 2)]);
        var reshaped = new ParameterLayout([new TensorSpec("0.weight", 2, 3), new TensorSpec("0.bias", 3)]);
        Assert.NotEqual(TwoTensors(), reordered);
        Assert.NotEqual(TwoTensors(), reshaped);
        Assert.NotEqual(TwoTensors().Fingerprint, reshaped.Fingerprint);
    }

    [Fact]
    public void Duplicate_names_and_bad_shapes_are_refused_with_the_name()
    {
        var duplicate = Assert.Throws<ArgumentException>(() => new ParameterLayout([new TensorSpec("w", 1), new TensorSpec("w", 2)]));
        Assert.Contains("'w'", duplicate.Message, StringComparison.Ordinal);
        var zero = Assert.Throws<ArgumentException>(() => new TensorSpec("conv", 3, 0));
        Assert.Contains("conv", zero.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => ParameterLayout.Parse("w:3xq"));
        Assert.Throws<KeyNotFoundException>(() => TwoTensors().IndexOf("missing"));
    }

    [Fact]
    public void Buffer_views_each_tensor_over_one_array()
    {
        var buffer = new ParameterBuffer(TwoTensors());
        buffer.Tensor("0.bias").Fill(7);
        Assert.Equal([0, 0, 0, 0, 0, 0, 7, 7, 7], buffer.Array);
        var copy = buffer.Clone();
        copy.Values[0] = 1;
        Assert.Equal(0, buffer.Values[0]);
        Assert.Throws<ArgumentException>(() => new ParameterBuffer(TwoTensors(), new float[8]));
    }
}
