using System.Numerics.Tensors;
using Federated.Shared.Parameters;
using Federated.Shared.Serialization;

namespace Federated.Coordinator.Validation;

/// <summary>The verdict on one uploaded update: the decoded delta, or why it was refused.</summary>
public readonly record struct UpdateVerdict(ParameterBuffer? Delta, string? RejectionReason)
{
    public bool Accepted => Delta is not null;

    public static UpdateVerdict Reject(string reason) => new(null, reason);
}

/// <summary>
/// Checks an uploaded training update before it may touch the aggregate: a sound model file,
/// the global model's exact layout, only finite values, and a plausible example count.
/// One bad client must never poison or crash a round, so nothing here throws for bad input.
/// </summary>
public static class UpdateValidator
{
    public static UpdateVerdict Validate(ReadOnlySpan<byte> payload, long exampleCount, ParameterLayout expectedLayout, long maxExampleCount)
    {
        ArgumentNullException.ThrowIfNull(expectedLayout);
        if (exampleCount <= 0)
            return UpdateVerdict.Reject($"example count {exampleCount} is not positive");
        if (exampleCount > maxExampleCount)
            return UpdateVerdict.Reject($"example count {exampleCount} exceeds the configured maximum {maxExampleCount}");
        if (payload.IsEmpty)
            return UpdateVerdict.Reject("the update has no payload");

        ModelSnapshot snapshot;
        try
        {
            snapshot = ModelFile.Read(payload, source: "the update");
        }
        catch (ModelFileException e)
        {
            return UpdateVerdict.Reject($"malformed update: {e.Message}");
        }

        var layout = snapshot.Parameters.Layout;
        if (!layout.Equals(expectedLayout))
            return UpdateVerdict.Reject($"wrong layout: expected {expectedLayout} ({expectedLayout.Fingerprint[..12]}), got {layout} ({layout.Fingerprint[..12]}){FirstDifference(expectedLayout, layout)}");

        if (!TensorPrimitives.IsFiniteAll<float>(snapshot.Parameters.Values))
            return UpdateVerdict.Reject($"the update holds NaN or infinite values (first in tensor '{FirstNonFiniteTensor(snapshot.Parameters)}')");

        return new UpdateVerdict(snapshot.Parameters, null);
    }

    private static string FirstDifference(ParameterLayout expected, ParameterLayout actual)
    {
        int common = Math.Min(expected.Count, actual.Count);
        for (int i = 0; i < common; i++)
        {
            if (!expected.Tensors[i].Equals(actual.Tensors[i]))
                return $"; tensor {i} is {actual.Tensors[i]}, expected {expected.Tensors[i]}";
        }
        return $"; {actual.Count} tensors instead of {expected.Count}";
    }

    private static string FirstNonFiniteTensor(ParameterBuffer parameters)
    {
        for (int i = 0; i < parameters.Layout.Count; i++)
        {
            if (!TensorPrimitives.IsFiniteAll<float>(parameters.Tensor(i)))
                return parameters.Layout.Tensors[i].Name;
        }
        return "?";
    }
}
