namespace Federated.SecureAggregation;

/// <summary>The revealing client's Shamir share of one secret of <see cref="Owner"/> (5 field elements, 40 bytes).</summary>
public sealed record RevealedShare(int Owner, RevealedShareKind Kind, byte[] Share);
