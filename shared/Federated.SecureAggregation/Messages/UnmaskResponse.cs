namespace Federated.SecureAggregation;

/// <summary>Phase 3, client → coordinator: the shares an <see cref="UnmaskRequest"/> asked for that the client holds.</summary>
public sealed record UnmaskResponse(long RoundId, int Sender, IReadOnlyList<RevealedShare> Shares);
