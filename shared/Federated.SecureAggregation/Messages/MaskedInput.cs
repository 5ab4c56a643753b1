namespace Federated.SecureAggregation;

/// <summary>
/// Phase 2, client → coordinator: y_i = encode(w·x_i, w) + PRG(b_i) + Σ_j ±PRG(s_ij) mod 2^b, one
/// uint per element (vector length + 1; the last element carries the example weight). Alone it is
/// uniformly distributed and says nothing about x_i. The coordinator keeps the array it is given.
/// </summary>
public sealed record MaskedInput(long RoundId, int Sender, uint[] Values);
