namespace Federated.SecureAggregation;

/// <summary>Phase 1, client → coordinator: one encrypted share for each neighbour listed in <see cref="NeighbourKeys"/>.</summary>
public sealed record ShareKeysMessage(long RoundId, int Sender, IReadOnlyList<EncryptedShare> Shares);
