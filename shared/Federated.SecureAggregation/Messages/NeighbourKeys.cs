namespace Federated.SecureAggregation;

/// <summary>
/// Phase 0 → 1, coordinator → one client: the advertised keys of that client's neighbours that
/// advertised in time, sorted by client index. The client shares its secrets among exactly these.
/// </summary>
public sealed record NeighbourKeys(long RoundId, int Recipient, IReadOnlyList<AdvertisedKeys> Neighbours);
