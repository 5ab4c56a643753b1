using System.Numerics.Tensors;
using Federated.Shared.Codecs;
using Federated.Shared.Parameters;
using Federated.Shared.Serialization;

namespace Federated.Coordinator.Validation;

/// <summary>What the coordinator accepts of an update.</summary>
/// <param name="MaxExampleCount">Largest example count one client may claim (it bounds that client's FedAvg weight).</param>
/// <param name="MaxNorm">Largest L2 norm of an update; 0 for no bound.</param>
/// <param name="ClipToNorm">Scale a longer update down to <paramref name="MaxNorm"/> instead of rejecting it.</param>
public sealed record UpdateBounds(long MaxExampleCount, double MaxNorm = 0, bool ClipToNorm = false);

/// <summary>The verdict on one uploaded update: the decoded delta, or why it was refused.</summary>
/// <param name="Clipped">True when the delta was scaled down to the norm bound.</param>
public readonly record struct UpdateVerdict(ParameterBuffer? Delta, string? RejectionReason, bool Clipped = false)
{
    public bool Accepted => Delta is not null;

    public static UpdateVerdict Reject(string reason) => new(null, reason);
}

/// <summary>
/// Checks an uploaded training update before it may touch the aggregate: a sound model file,
/// the global model's exact layout, only finite values, a plausible example count, and an L2 norm
/// within the configured bound (norm bounding limits what one client can do to the model: Sun et
/// al. 2019, "Can You Really Backdoor Federated Learning?").
/// One bad client must never poison or crash a round, so nothing here throws for bad input.
/// </summary>
public static class UpdateValidator
{
    /// <param name="codec">How the client says it encoded the payload (for messages); the payload's own magic decides how it is read.</param>
    public static UpdateVerdict Validate(ReadOnlySpan<byte> payload, long exampleCount, ParameterLayout expectedLayout, UpdateBounds bounds, CodecKind codec = CodecKind.Fp32)
    {
        ArgumentNullException.ThrowIfNull(expectedLayout);
        ArgumentNullException.ThrowIfNull(bounds);
        if (exampleCount <= 0)
            return UpdateVerdict.Reject($"example count {exampleCount} is not positive");
        if (exampleCount > bounds.MaxExampleCount)
            return UpdateVerdict.Reject($"example count {exampleCount} exceeds the configured maximum {bounds.MaxExampleCount}");
        if (payload.IsEmpty)
            return UpdateVerdict.Reject("the update has no payload");

        ModelSnapshot snapshot;
        // A model file (FP32) or an encoded-parameters payload (any codec, dense or top-k sparse).
        if (!payload.StartsWith("FEDENC1\0"u8))
        {
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
        }
        else
        {
            try
            {
                // The payload names its layout by fingerprint; decoding checks it against ours.
                snapshot = new ModelSnapshot(0, null, ParameterCodec.Decode(payload, expectedLayout));
            }
            catch (CodecException e)
            {
                return UpdateVerdict.Reject($"malformed {codec} update: {e.Message}");
            }
        }

        if (!TensorPrimitives.IsFiniteAll<float>(snapshot.Parameters.Values))
            return UpdateVerdict.Reject($"the update holds NaN or infinite values (first in tensor '{FirstNonFiniteTensor(snapshot.Parameters)}')");

        if (bounds.MaxNorm > 0)
        {
            double norm = TensorPrimitives.Norm<float>(snapshot.Parameters.Values);
            if (norm > bounds.MaxNorm)
            {
                if (!bounds.ClipToNorm)
                    return UpdateVerdict.Reject(FormattableString.Invariant($"the update's L2 norm {norm:G4} exceeds the bound {bounds.MaxNorm:G4}"));
                TensorPrimitives.Multiply(snapshot.Parameters.Values, (float)(bounds.MaxNorm / norm), snapshot.Parameters.Values);
                return new UpdateVerdict(snapshot.Parameters, null, Clipped: true);
            }
        }
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
