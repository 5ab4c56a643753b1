namespace Federated.Edge.Quantization;

/// <summary>The real range chosen for one activation tensor by calibration.</summary>
public readonly record struct ActivationRange(float Min, float Max)
{
    public ActivationQuantization ToQuantization() => ActivationQuantization.FromRange(Min, Max);

    public override string ToString() => FormattableString.Invariant($"[{Min:G6}, {Max:G6}]");
}
