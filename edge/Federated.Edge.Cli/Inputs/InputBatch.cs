namespace Federated.Edge.Cli.Inputs;

/// <summary>Examples laid end to end as the model takes them, with labels when the input had them.</summary>
/// <param name="Source">What the examples were read from, for messages.</param>
internal sealed record InputBatch(float[] Features, int Count, int FeaturesPerExample, int[]? Labels, string Source)
{
    public ReadOnlySpan<float> Slice(int first, int count) => Features.AsSpan(first * FeaturesPerExample, count * FeaturesPerExample);
}
