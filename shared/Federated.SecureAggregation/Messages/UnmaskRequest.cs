namespace Federated.SecureAggregation;

/// <summary>
/// Phase 2 → 3, coordinator → one surviving client: which of its mask partners sent a masked input
/// (reveal their self-mask share) and which dropped after sharing keys (reveal their mask-key
/// share). Both lists sorted; the client refuses if they overlap or do not cover its partners.
/// </summary>
public sealed record UnmaskRequest(long RoundId, int Recipient, int[] SurvivingNeighbours, int[] DroppedNeighbours);
