namespace Federated.Coordinator.Strategies;

/// <summary>Coordinate-wise median of the deltas (Yin et al. 2018).</summary>
internal sealed class MedianRule : IRobustRule
{
    public int MinimumUpdates => 1;

    public string MinimumReason => "a median needs one value";

    public void Aggregate(UpdateBuffer updates, Span<float> result) =>
        CoordinateWise.Reduce(updates, RobustRuleHelpers.All(updates.Count), result, new MedianReducer());
}

/// <summary>Coordinate-wise β-trimmed mean of the deltas (Yin et al. 2018).</summary>
internal sealed class TrimmedMeanRule(double fraction) : IRobustRule
{
    public int MinimumUpdates => 1;

    public string MinimumReason => "a trimmed mean needs one value";

    public void Aggregate(UpdateBuffer updates, Span<float> result) =>
        CoordinateWise.Reduce(updates, RobustRuleHelpers.All(updates.Count), result, new TrimmedMeanReducer(fraction));
}

/// <summary>
/// Krum (select = 1) and Multi-Krum (Blanchard et al. 2017): the unweighted mean of the m updates with the
/// lowest Krum scores; m defaults to n − f and is capped there. Needs n ≥ 2f + 3.
/// </summary>
internal sealed class KrumRule(int byzantine, int? select) : IRobustRule
{
    public int MinimumUpdates => 2 * byzantine + 3;

    public string MinimumReason => $"n ≥ 2f + 3 with f = {byzantine} from {StrategyOptions.SectionName}:ByzantineClients";

    public void Aggregate(UpdateBuffer updates, Span<float> result)
    {
        int n = updates.Count;
        int m = Math.Min(select ?? n - byzantine, n - byzantine);
        var distances = KrumSelection.PairwiseSquaredDistances(updates);
        CoordinateWise.Mean(updates, KrumSelection.MultiKrum(distances, n, byzantine, m), result);
    }
}

/// <summary>
/// Bulyan (El Mhamdi et al. 2018): recursive Krum selects θ = n − 2f updates, then each coordinate is the
/// mean of the β = θ − 2f selected values closest to their median. Needs n ≥ 4f + 3.
/// </summary>
internal sealed class BulyanRule(int byzantine) : IRobustRule
{
    public int MinimumUpdates => 4 * byzantine + 3;

    public string MinimumReason => $"n ≥ 4f + 3 with f = {byzantine} from {StrategyOptions.SectionName}:ByzantineClients";

    public void Aggregate(UpdateBuffer updates, Span<float> result)
    {
        int n = updates.Count;
        int theta = n - 2 * byzantine;
        var distances = KrumSelection.PairwiseSquaredDistances(updates);
        var selected = KrumSelection.Recursive(distances, n, byzantine, theta);
        CoordinateWise.Reduce(updates, selected, result, new ClosestToMedianMeanReducer(theta - 2 * byzantine));
    }
}

internal static class RobustRuleHelpers
{
    public static int[] All(int count)
    {
        var rows = new int[count];
        for (int i = 0; i < count; i++) rows[i] = i;
        return rows;
    }
}
