using Federated.Shared.Training;
using Federated.Protocol;
using Federated.SecureAggregation;

namespace Federated.Client.SecureAggregation;

/// <summary>
/// The client side of SecAgg+ (Bonawitz et al. 2017; Bell et al. 2020): the update leaves the
/// client only masked, and the coordinator learns nothing but the round's sum.
/// </summary>
public sealed class SecureAggregationParticipant : ISecureAggregationParticipant
{
    /// <summary>
    /// Runs the four protocol phases with the coordinator's setup (neighbours, threshold, ring).
    /// Returns true when the unmasking phase completed with this client's input in the sum.
    /// </summary>
    public async Task<bool> ParticipateAsync(TaskSpec task, FitOutcome fit, SecureStepExchange exchange, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(exchange);
        var setup = SecureAggregationWire.ReadSetup(task.SecureAggregation.Span);
        if (setup.RoundId != task.Round)
            throw new InvalidDataException($"The task's secure-aggregation setup is for round {setup.RoundId}, the task for round {task.Round}.");
        if (setup.Options.VectorLength != fit.Delta.Length)
            throw new InvalidDataException($"The secure-aggregation setup expects {setup.Options.VectorLength} values; the update has {fit.Delta.Length}.");
        using var protocol = new SecureAggregationClient(setup.Options, setup.RoundId, setup.ClientIndex, setup.GraphSeed);
        // The example weight travels masked as well; counts above the federation's cap are capped (it bounds one client's say).
        float weight = (float)Math.Min(fit.ExampleCount, setup.Options.MaxExampleWeight);

        byte[]? next = await exchange(SecurePhase.AdvertiseKeys, SecureAggregationWire.Write(protocol.AdvertiseKeys()), cancellationToken).ConfigureAwait(false);
        if (next is null) return false;
        var shares = protocol.ShareKeys(SecureAggregationWire.ReadNeighbourKeys(next));
        next = await exchange(SecurePhase.ShareKeys, SecureAggregationWire.Write(shares), cancellationToken).ConfigureAwait(false);
        if (next is null) return false;
        var masked = protocol.MaskInput(SecureAggregationWire.ReadShareBundle(next), fit.Delta.Values, weight);
        next = await exchange(SecurePhase.MaskedInput, SecureAggregationWire.Write(masked), cancellationToken).ConfigureAwait(false);
        if (next is null) return false;
        var revealed = protocol.Unmask(SecureAggregationWire.ReadUnmaskRequest(next));
        next = await exchange(SecurePhase.Unmask, SecureAggregationWire.Write(revealed), cancellationToken).ConfigureAwait(false);
        return next is not null;
    }
}
