using Federated.Shared.Training;
using Federated.Protocol;

namespace Federated.Client;

/// <summary>Sends one secure-aggregation phase message; returns the next phase's input, or null when the round refused it or aborted.</summary>
public delegate Task<byte[]?> SecureStepExchange(SecurePhase phase, byte[] message, CancellationToken cancellationToken);

/// <summary>
/// Takes part in a round's secure aggregation for a trained update. The SDK's core has no
/// cryptography of its own (so device builds carry no native library): the implementation lives in
/// Federated.Client.SecureAggregation. A client without one reports tasks that require it as failed.
/// </summary>
public interface ISecureAggregationParticipant
{
    /// <summary>Runs the protocol phases; true when the update made it into the round's sum.</summary>
    Task<bool> ParticipateAsync(TaskSpec task, FitOutcome fit, SecureStepExchange exchange, CancellationToken cancellationToken);
}
