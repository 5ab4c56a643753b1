namespace Federated.SecureAggregation;

/// <summary>One refused message (or one refused part of a message): who sent it, in which phase, and why.</summary>
public sealed record SecureAggregationRejection(int ClientIndex, SecureAggregationPhase Phase, string Reason);
