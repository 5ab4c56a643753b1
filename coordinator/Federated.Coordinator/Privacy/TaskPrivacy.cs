namespace Federated.Coordinator.Privacy;

/// <summary>What a training task asks of its client (the wire's <c>PrivacySpec</c>).</summary>
/// <param name="ClipNorm">L2 bound the client clips its update to (this round's).</param>
/// <param name="ClientNoiseMultiplier">Noise the client adds, as a multiple of <paramref name="ClipNorm"/> (Local: all of it; Distributed: its share; Central: 0).</param>
/// <param name="NoiseMultiplier">The multiplier the federation's accountant counts for the aggregate.</param>
public sealed record TaskPrivacy(PrivacyMode Mode, double ClipNorm, double ClientNoiseMultiplier, double NoiseMultiplier);
