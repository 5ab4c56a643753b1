namespace Federated.Shared.Privacy;

/// <summary>An (ε, δ)-DP guarantee and the RDP order it was read at.</summary>
public readonly record struct PrivacySpent(double Epsilon, double Delta, double Order);
