namespace Federated.Coordinator.Strategies;

/// <summary>A robust aggregation rule over all of a round's deltas (the maths only; no orchestration).</summary>
internal interface IRobustRule
{
    /// <summary>Fewest updates the rule is defined for.</summary>
    int MinimumUpdates { get; }

    /// <summary>Why <see cref="MinimumUpdates"/> is what it is, naming the options involved.</summary>
    string MinimumReason { get; }

    /// <summary>Writes the aggregated delta into <paramref name="result"/> (length <see cref="UpdateBuffer.Length"/>).</summary>
    void Aggregate(UpdateBuffer updates, Span<float> result);
}
