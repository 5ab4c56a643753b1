using Federated.Coordinator.Validation;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Serialization;

namespace Federated.Tests.Validation;

public class UpdateValidatorTests
{
    private static readonly ModelArchitecture Model = ModelZoo.LogisticRegression(4, 3);

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
        var verdict = UpdateValidator.Validate(Update(Delta()), 10, Model.Layout, 1000);
        Assert.True(verdict.Accepted);
        Assert.All(verdict.Delta!.Array, v => Assert.Equal(0.1f, v));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Non_finite_values_are_rejected_naming_the_tensor(float poison)
    {
        var delta = Delta();
        delta.Tensor("0.bias")[1] = poison;
        var verdict = UpdateValidator.Validate(Update(delta), 10, Model.Layout, 1000);
        Assert.False(verdict.Accepted);
        Assert.Contains("NaN or infinite", verdict.RejectionReason, StringComparison.Ordinal);
        Assert.Contains("0.bias", verdict.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_layout_is_rejected_naming_the_first_difference()
    {
        var other = new ParameterBuffer(ModelZoo.LogisticRegression(5, 3).Layout);
        var verdict = UpdateValidator.Validate(Update(other), 10, Model.Layout, 1000);
        Assert.False(verdict.Accepted);
        Assert.Contains("wrong layout", verdict.RejectionReason, StringComparison.Ordinal);
        Assert.Contains("0.weight", verdict.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_and_truncated_payloads_are_rejected_not_thrown()
    {
        byte[] update = Update(Delta());
        Assert.Contains("malformed", UpdateValidator.Validate(update.AsSpan(0, update.Length - 5), 10, Model.Layout, 1000).RejectionReason, StringComparison.Ordinal);
        Assert.Contains("malformed", UpdateValidator.Validate(new byte[64], 10, Model.Layout, 1000).RejectionReason, StringComparison.Ordinal);
        Assert.Contains("no payload", UpdateValidator.Validate([], 10, Model.Layout, 1000).RejectionReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(1001)]
    public void Implausible_example_counts_are_rejected(long examples)
    {
        var verdict = UpdateValidator.Validate(Update(Delta()), examples, Model.Layout, 1000);
        Assert.False(verdict.Accepted);
        Assert.Contains("example count", verdict.RejectionReason, StringComparison.Ordinal);
    }
}
