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

/// <summary>The verdict of <see cref="UpdateValidator.Check"/>: accepted (maybe clipped), or why not.</summary>
public readonly record struct UpdateCheck(string? RejectionReason, bool Clipped = false)
{
    public bool Accepted => RejectionReason is null;

    public static UpdateCheck Reject(string reason) => new(reason);
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
    /// <summary>Checks an update and returns it decoded into a new buffer (clipped if so configured).</summary>
    /// <param name="codec">How the client says it encoded the payload (for messages); the payload's own magic decides how it is read.</param>
    public static UpdateVerdict Validate(ReadOnlySpan<byte> payload, long exampleCount, ParameterLayout expectedLayout, UpdateBounds bounds, CodecKind codec = CodecKind.Fp32)
    {
        ArgumentNullException.ThrowIfNull(expectedLayout);
        var scratch = new ParameterBuffer(expectedLayout);
        var check = Check(payload, exampleCount, bounds, codec, scratch, out var delta);
        if (!check.Accepted) return UpdateVerdict.Reject(check.RejectionReason!);
        if (!delta.Overlaps(scratch.Values)) delta.CopyTo(scratch.Values);
        return new UpdateVerdict(scratch, null, check.Clipped);
    }

    /// <summary>
    /// Checks an update against <paramref name="scratch"/>'s layout without allocating a model-sized
    /// buffer: on acceptance <paramref name="delta"/> holds the update's values (clipped if so
    /// configured), either in <paramref name="scratch"/> or, for dense FP32 values that need no
    /// clipping (a model file, an FP32 encoding), in the payload itself. The caller folds
    /// <paramref name="delta"/> in before it reuses <paramref name="scratch"/> or the payload.
    /// </summary>
    public static UpdateCheck Check(ReadOnlySpan<byte> payload, long exampleCount, UpdateBounds bounds, CodecKind codec, ParameterBuffer scratch, out ReadOnlySpan<float> delta)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        ArgumentNullException.ThrowIfNull(scratch);
        delta = default;
        var expectedLayout = scratch.Layout;
        if (exampleCount <= 0)
            return UpdateCheck.Reject($"example count {exampleCount} is not positive");
        if (exampleCount > bounds.MaxExampleCount)
            return UpdateCheck.Reject($"example count {exampleCount} exceeds the configured maximum {bounds.MaxExampleCount}");
        if (payload.IsEmpty)
            return UpdateCheck.Reject("the update has no payload");

        // A model file (FP32) or an encoded-parameters payload (any codec, dense or top-k sparse).
        if (!payload.StartsWith("FEDENC1\0"u8))
        {
            try
            {
                // Read in place (a view of the payload): a model-sized copy per update would be a
                // large-object-heap allocation per client per round.
                var header = ModelFile.ReadHeader(payload, source: "the update");
                var layout = header.Layout;
                if (!layout.Equals(expectedLayout))
                    return UpdateCheck.Reject($"wrong layout: expected {expectedLayout} ({expectedLayout.Fingerprint[..12]}), got {layout} ({layout.Fingerprint[..12]}){FirstDifference(expectedLayout, layout)}");
                delta = ModelFile.ReadValues(payload, header, scratch.Values, source: "the update");
            }
            catch (ModelFileException e)
            {
                return UpdateCheck.Reject($"malformed update: {e.Message}");
            }
        }
        else
        {
            try
            {
                // The payload names its layout by fingerprint; decoding checks it against ours.
                delta = ParameterCodec.DecodeOrView(payload, scratch);
            }
            catch (CodecException e)
            {
                return UpdateCheck.Reject($"malformed {codec} update: {e.Message}");
            }
        }

        if (!TensorPrimitives.IsFiniteAll(delta))
            return UpdateCheck.Reject($"the update holds NaN or infinite values (first in tensor '{FirstNonFiniteTensor(expectedLayout, delta)}')");

        if (bounds.MaxNorm > 0)
        {
            double norm = TensorPrimitives.Norm(delta);
            if (norm > bounds.MaxNorm)
            {
                if (!bounds.ClipToNorm)
                    return UpdateCheck.Reject(FormattableString.Invariant($"the update's L2 norm {norm:G4} exceeds the bound {bounds.MaxNorm:G4}"));
                TensorPrimitives.Multiply(delta, (float)(bounds.MaxNorm / norm), scratch.Values);
                delta = scratch.Values;
                return new UpdateCheck(null, Clipped: true);
            }
        }
        return new UpdateCheck(null);
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

    private static string FirstNonFiniteTensor(ParameterLayout layout, ReadOnlySpan<float> values)
    {
        for (int i = 0; i < layout.Count; i++)
        {
            if (!TensorPrimitives.IsFiniteAll(values.Slice(layout.OffsetOf(i), layout.Tensors[i].ElementCount)))
                return layout.Tensors[i].Name;
        }
        return "?";
    }
}
