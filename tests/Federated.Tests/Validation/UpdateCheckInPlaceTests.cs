using System.Runtime.InteropServices;
using Federated.Coordinator.Validation;
using Federated.Shared.Codecs;
using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Tests.Validation;

/// <summary><see cref="UpdateValidator.Check"/>: the allocation-free path the coordinator folds uploads in with.</summary>
public class UpdateCheckInPlaceTests
{
    private static readonly ModelArchitecture Model = ModelZoo.Mlp(8, 5, 3);
    private static readonly UpdateBounds Bounds = new(MaxExampleCount: 1000);

    private static ParameterBuffer Delta(int seed)
    {
        var delta = new ParameterBuffer(Model.Layout);
        var random = new Random(seed);
        for (int i = 0; i < delta.Length; i++) delta.Values[i] = (float)(random.NextDouble() - 0.5);
        return delta;
    }

    [Fact]
    public void A_dense_fp32_payload_is_checked_in_place_without_touching_the_scratch()
    {
        var delta = Delta(1);
        byte[] payload = ParameterCodec.Encode(delta, CodecKind.Fp32);
        var scratch = new ParameterBuffer(Model.Layout);

        var check = UpdateValidator.Check(payload, 10, Bounds, CodecKind.Fp32, scratch, out var values);

        Assert.True(check.Accepted);
        Assert.True(MemoryMarshal.Cast<float, byte>(values).Overlaps(payload));
        Assert.True(values.SequenceEqual(delta.Values));
        Assert.All(scratch.Array, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void An_int8_payload_is_decoded_into_the_scratch_within_half_a_step()
    {
        var delta = Delta(2);
        byte[] payload = ParameterCodec.Encode(delta, CodecKind.Int8);
        var scratch = new ParameterBuffer(Model.Layout);

        var check = UpdateValidator.Check(payload, 10, Bounds, CodecKind.Int8, scratch, out var values);

        Assert.True(check.Accepted);
        Assert.True(values.Overlaps(scratch.Values));
        var reference = ParameterCodec.Decode(payload, Model.Layout);
        Assert.True(values.SequenceEqual(reference.Values));
    }

    [Fact]
    public void Clipping_a_dense_fp32_payload_writes_the_clipped_values_to_the_scratch_and_leaves_the_payload_alone()
    {
        var delta = Delta(3);
        byte[] payload = ParameterCodec.Encode(delta, CodecKind.Fp32);
        byte[] original = (byte[])payload.Clone();
        double norm = System.Numerics.Tensors.TensorPrimitives.Norm<float>(delta.Values);
        var scratch = new ParameterBuffer(Model.Layout);

        var check = UpdateValidator.Check(payload, 10, Bounds with { MaxNorm = norm / 2, ClipToNorm = true }, CodecKind.Fp32, scratch, out var values);

        Assert.True(check.Accepted);
        Assert.True(check.Clipped);
        Assert.True(values.Overlaps(scratch.Values));
        Assert.Equal(norm / 2, System.Numerics.Tensors.TensorPrimitives.Norm(values), 3);
        Assert.Equal(original, payload);
    }

    [Fact]
    public void A_payload_for_another_layout_is_refused_before_anything_is_read()
    {
        var other = ParameterInitializer.Initialize(ModelZoo.Mlp(8, 6, 3), 1);
        byte[] payload = ParameterCodec.Encode(other, CodecKind.Fp32);
        var scratch = new ParameterBuffer(Model.Layout);

        var check = UpdateValidator.Check(payload, 10, Bounds, CodecKind.Fp32, scratch, out _);

        Assert.False(check.Accepted);
        Assert.Contains("another layout", check.RejectionReason, StringComparison.Ordinal);
    }
}
