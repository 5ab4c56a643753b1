namespace Federated.SecureAggregation;

/// <summary>
/// Phase 1 → 2, coordinator → one client: the shares addressed to it by neighbours whose phase-1
/// message was accepted. Its senders are exactly the neighbours the client pairs masks with.
/// </summary>
public sealed record ShareBundle(long RoundId, int Recipient, IReadOnlyList<EncryptedShare> Shares);
