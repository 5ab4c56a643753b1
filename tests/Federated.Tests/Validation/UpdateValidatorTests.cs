using Federated.Coordinator.Validation;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Serialization;

namespace Federated.Tests.Validation;

public class UpdateValidatorTests
{
    private static readonly ModelArchitecture Model = ModelZoo.LogisticRegression(4, 3);
    private static readonly UpdateBounds Bounds = new(MaxExampleCount: 1000);

    private static byte[] Update(ParameterBuffer delta) => ModelFile.ToBytes(new ModelSnapshot(1, null, delta));

    private static ParameterBuffer Delta(float fill = 0.1f)
    {
        var delta = new ParameterBuffer(Model.Layout);
        delta.Values.Fill(fill);
        return delta;
    }

    [Fact]
    public void Sound_update_is_accepted_with_its_values()
    {
        var verdict = UpdateValidator.Validate(Update(Delta()), 10, Model.Layout, Bounds);
        Assert.True(verdict.Accepted);
        Assert.All(verdict.Delta!.Array, v => Assert.Equal(0.1f, v));
    }

    [Fact]
    public void Sound_model_file_update_is_checked_in_place_without_a_copy()
    {
        byte[] payload = Update(Delta(0.3f));
        var scratch = new ParameterBuffer(Model.Layout);

        var check = UpdateValidator.Check(payload, 10, Bounds, Federated.Shared.Codecs.CodecKind.Fp32, scratch, out var delta);

        Assert.True(check.Accepted);
        Assert.All(delta.ToArray(), v => Assert.Equal(0.3f, v));
        if (BitConverter.IsLittleEndian) Assert.True(delta.Overlaps(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(payload.AsSpan())));
        Assert.All(scratch.Array, v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Non_finite_values_are_rejected_naming_the_tensor(float poison)
    {
        var delta = Delta();
        delta.Tensor("0.bias")[1] = poison;
        var verdict = UpdateValidator.Validate(Update(delta), 10, Model.Layout, Bounds);
        Assert.False(verdict.Accepted);
        Assert.Contains("NaN or infinite", verdict.RejectionReason, StringComparison.Ordinal);
        Assert.Contains("0.bias", verdict.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_layout_is_rejected_naming_the_first_difference()
    {
        var other = new ParameterBuffer(ModelZoo.LogisticRegression(5, 3).Layout);
        var verdict = UpdateValidator.Validate(Update(other), 10, Model.Layout, Bounds);
        Assert.False(verdict.Accepted);
        Assert.Contains("wrong layout", verdict.RejectionReason, StringComparison.Ordinal);
        Assert.Contains("0.weight", verdict.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_and_truncated_payloads_are_rejected_not_thrown()
    {
        byte[] update = Update(Delta());
        Assert.Contains("malformed", UpdateValidator.Validate(update.AsSpan(0, update.Length - 5), 10, Model.Layout, Bounds).RejectionReason, StringComparison.Ordinal);
        Assert.Contains("malformed", UpdateValidator.Validate(new byte[64], 10, Model.Layout, Bounds).RejectionReason, StringComparison.Ordinal);
        Assert.Contains("no payload", UpdateValidator.Validate([], 10, Model.Layout, Bounds).RejectionReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(1001)]
    public void Implausible_example_counts_are_rejected(long examples)
    {
        var verdict = UpdateValidator.Validate(Update(Delta()), examples, Model.Layout, Bounds);
        Assert.False(verdict.Accepted);
        Assert.Contains("example count", verdict.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_longer_than_the_norm_bound_is_rejected_or_clipped_as_configured()
    {
        // 15 values of 0.1: norm √0.15 ≈ 0.387.
        var rejected = UpdateValidator.Validate(Update(Delta()), 10, Model.Layout, new UpdateBounds(1000, MaxNorm: 0.2));
        Assert.False(rejected.Accepted);
        Assert.Contains("L2 norm", rejected.RejectionReason, StringComparison.Ordinal);

        var clipped = UpdateValidator.Validate(Update(Delta()), 10, Model.Layout, new UpdateBounds(1000, MaxNorm: 0.2, ClipToNorm: true));
        Assert.True(clipped.Accepted && clipped.Clipped);
        Assert.Equal(0.2, System.Numerics.Tensors.TensorPrimitives.Norm<float>(clipped.Delta!.Values), 5);

        var within = UpdateValidator.Validate(Update(Delta()), 10, Model.Layout, new UpdateBounds(1000, MaxNorm: 1));
        Assert.True(within.Accepted && !within.Clipped);
    }
}
