namespace Federated.SecureAggregation;

/// <summary>
/// Settings of one secure-aggregation round, shared by the coordinator and every client (they must
/// agree on every value). Defaults live here; <see cref="Validate"/> throws an
/// <see cref="ArgumentException"/> naming the offending property (or both, for conflicts).
/// </summary>
/// <remarks>
/// Fixed point: inputs are clipped to [−c, c] (<see cref="ClipRange"/>), multiplied by the example
/// weight w ≤ W (<see cref="MaxExampleWeight"/>) and by <see cref="ValueScale"/>, rounded to nearest
/// and clamped to ±L with L = ⌊(2^(b−1) − 1) / n⌋ (<see cref="SummandLimit"/>). So |Σ q_i| ≤ n·L &lt;
/// 2^(b−1) and the centered lift of the sum mod 2^b is exact: no wrap-around, whatever the inputs.
/// The weight travels as one more element at scale L / W. Quantization error of each element of
/// Σ w·x: at most n·(1 / (2s) + W·c·2^−22) (<see cref="QuantizationErrorBound"/>): half a step per
/// summand for rounding plus float32 rounding of the products and of the decoded sum.
/// </remarks>
public sealed class SecureAggregationOptions
{
    /// <summary>Number of clients selected for the round, n; client indices run 1..n.</summary>
    public int ClientCount { get; init; }

    /// <summary>Length of each client's float update (the masked vector carries one more element, the weight).</summary>
    public int VectorLength { get; init; }

    /// <summary>
    /// Neighbour degree k: n − 1 is classic SecAgg (complete graph, the default when null); an even k
    /// below n − 1 is SecAgg+ over a Harary graph (Bell et al. 2020). See <see cref="RecommendedNeighbourDegree"/>.
    /// </summary>
    public int? NeighbourDegree { get; init; }

    /// <summary>
    /// Shamir threshold t: shares are t-of-(k + 1) among a client and its k neighbours (a survivor reveals
    /// its own b share, as in Bonawitz et al.). Exclusive with <see cref="ThresholdFraction"/>.
    /// </summary>
    public int? Threshold { get; init; }

    /// <summary>Shamir threshold as a fraction of k + 1, rounded up. Exclusive with <see cref="Threshold"/>.</summary>
    public double? ThresholdFraction { get; init; }

    /// <summary>Fewest clients that must remain at every phase for the round to go on; default t.</summary>
    public int? MinimumSurvivors { get; init; }

    /// <summary>Clipping range c: each input value is clipped to [−c, c] before encoding.</summary>
    public float ClipRange { get; init; } = 1f;

    /// <summary>Bit width b of the ring Z_2^b the masked values live in (8..32; values held in uint32).</summary>
    public int BitWidth { get; init; } = 32;

    /// <summary>Largest example weight W a client may attach (weighted FedAvg); 1 for plain sums.</summary>
    public float MaxExampleWeight { get; init; } = 1f;

    /// <summary>
    /// SecAgg+ degree recommendation: 2·⌈log2 n⌉ rounded up to even, capped at n − 1 (Bell et al. 2020
    /// show O(log n) neighbours suffice; the constant 2 is a practical starting point — raise k for
    /// high dropout rates, since each client needs t of its k neighbours alive).
    /// </summary>
    public static int RecommendedNeighbourDegree(int clientCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clientCount, 3);
        int k = 2 * (int)Math.Ceiling(Math.Log2(clientCount));
        if (k % 2 != 0) k++;
        return Math.Min(k, clientCount - 1);
    }

    /// <summary>
    /// Dropout-aware degree: the smallest even k from <see cref="RecommendedNeighbourDegree(int)"/> up
    /// (or n − 1) such that, if each client drops independently with probability
    /// <paramref name="dropoutRate"/>, the expected number of clients left with fewer than t − 1 live
    /// neighbours (so the round must abort) is at most <paramref name="failureBudget"/>: n · P[Bin(k,
    /// 1 − δ) &lt; t − 1] ≤ budget, with the default t. Bell et al. 2020 (§4) likewise size k from the
    /// dropout rate; at small n and high δ this approaches n − 1.
    /// </summary>
    public static int RecommendedNeighbourDegree(int clientCount, double dropoutRate, double failureBudget = 0.01)
    {
        if (!(dropoutRate >= 0 && dropoutRate < 1)) throw new ArgumentOutOfRangeException(nameof(dropoutRate), dropoutRate, "The dropout rate must be in [0, 1).");
        if (!(failureBudget > 0 && failureBudget < 1)) throw new ArgumentOutOfRangeException(nameof(failureBudget), failureBudget, "The failure budget must be in (0, 1).");
        for (int k = RecommendedNeighbourDegree(clientCount); k < clientCount - 1; k += 2)
        {
            int t = (k + 1) / 2 + 1;
            if (clientCount * BinomialBelow(k, 1 - dropoutRate, t - 1) <= failureBudget) return k;
        }
        return clientCount - 1;
    }

    /// <summary>P[Bin(trials, p) &lt; below], summed term by term (k is small).</summary>
    private static double BinomialBelow(int trials, double p, int below)
    {
        double total = 0, coefficient = 1;
        for (int j = 0; j < below && j <= trials; j++)
        {
            total += coefficient * Math.Pow(p, j) * Math.Pow(1 - p, trials - j);
            coefficient = coefficient * (trials - j) / (j + 1);
        }
        return total;
    }

    /// <summary>k in effect: <see cref="NeighbourDegree"/> or n − 1.</summary>
    public int EffectiveNeighbourDegree => NeighbourDegree ?? ClientCount - 1;

    /// <summary>
    /// t in effect: the count, ⌈fraction·k⌉, or by default ⌊(k + 1) / 2⌋ + 1 — more than half of the
    /// k + 1 share holders of a neighbourhood, as Bell et al. require.
    /// </summary>
    public int EffectiveThreshold
    {
        get
        {
            int k = EffectiveNeighbourDegree;
            if (Threshold is int t) return t;
            if (ThresholdFraction is double f) return (int)Math.Ceiling(f * (k + 1));
            return (k + 1) / 2 + 1;
        }
    }

    /// <summary>Minimum survivors in effect: <see cref="MinimumSurvivors"/> or t (Bonawitz et al. abort when |U| &lt; t).</summary>
    public int EffectiveMinimumSurvivors => MinimumSurvivors ?? EffectiveThreshold;

    /// <summary>Length of every masked vector: the update plus the trailing weight element.</summary>
    public int MaskedVectorLength => VectorLength + 1;

    /// <summary>L = ⌊(2^(b−1) − 1) / n⌋: bound on one client's encoded |value|, so n of them cannot wrap.</summary>
    public long SummandLimit => ((1L << (BitWidth - 1)) - 1) / ClientCount;

    /// <summary>Fixed-point scale s = L / (W·c) applied to w·x.</summary>
    public double ValueScale => SummandLimit / ((double)MaxExampleWeight * ClipRange);

    /// <summary>Fixed-point scale L / W of the trailing weight element.</summary>
    public double WeightScale => SummandLimit / (double)MaxExampleWeight;

    /// <summary>Worst-case absolute error of each element of the decoded Σ w·x (see remarks).</summary>
    public double QuantizationErrorBound =>
        ClientCount * (0.5 / ValueScale + (double)MaxExampleWeight * ClipRange * Math.Pow(2, -22));

    /// <summary>Worst-case absolute error of the decoded Σ w.</summary>
    public double WeightErrorBound => ClientCount * (0.5 / WeightScale + MaxExampleWeight * Math.Pow(2, -22));

    /// <summary>Throws an <see cref="ArgumentException"/> naming the property when a setting is out of range or two conflict.</summary>
    public void Validate()
    {
        if (ClientCount < 3)
            throw new ArgumentException($"ClientCount must be at least 3 (was {ClientCount}).", nameof(ClientCount));
        if (VectorLength < 1 || VectorLength >= Array.MaxLength)
            throw new ArgumentException($"VectorLength must be in [1, {Array.MaxLength - 1}] (was {VectorLength}).", nameof(VectorLength));
        if (BitWidth is < 8 or > 32)
            throw new ArgumentException($"BitWidth must be in [8, 32] (was {BitWidth}).", nameof(BitWidth));
        if (!float.IsFinite(ClipRange) || ClipRange <= 0)
            throw new ArgumentException($"ClipRange must be finite and positive (was {ClipRange}).", nameof(ClipRange));
        if (!float.IsFinite(MaxExampleWeight) || MaxExampleWeight <= 0)
            throw new ArgumentException($"MaxExampleWeight must be finite and positive (was {MaxExampleWeight}).", nameof(MaxExampleWeight));
        if (SummandLimit < 1)
            throw new ArgumentException(
                $"BitWidth {BitWidth} leaves no room for ClientCount {ClientCount} summands: 2^(BitWidth−1) − 1 must be at least ClientCount.",
                nameof(BitWidth));

        int n = ClientCount;
        int k = EffectiveNeighbourDegree;
        if (k < 2 || k > n - 1)
            throw new ArgumentException($"NeighbourDegree must be in [2, ClientCount − 1 = {n - 1}] (was {k}).", nameof(NeighbourDegree));
        if (k != n - 1 && k % 2 != 0)
            throw new ArgumentException($"NeighbourDegree must be even below ClientCount − 1 (Harary graph H(k, n)); was {k}.", nameof(NeighbourDegree));

        if (Threshold is not null && ThresholdFraction is not null)
            throw new ArgumentException("Set Threshold or ThresholdFraction, not both.", nameof(ThresholdFraction));
        if (ThresholdFraction is double f && (!double.IsFinite(f) || f <= 0 || f > 1))
            throw new ArgumentException($"ThresholdFraction must be in (0, 1] (was {f}).", nameof(ThresholdFraction));
        int t = EffectiveThreshold;
        if (t < 1 || t > k)
            throw new ArgumentException(
                $"Threshold must be in [1, NeighbourDegree = {k}] (was {t}); a client's secrets are shared t-of-(k + 1) among itself and its k neighbours, and a dropped client's key needs t of its neighbours.",
                Threshold is null && ThresholdFraction is null ? nameof(NeighbourDegree) : nameof(Threshold));
        int minimum = EffectiveMinimumSurvivors;
        if (minimum < 1 || minimum > n)
            throw new ArgumentException($"MinimumSurvivors must be in [1, ClientCount = {n}] (was {minimum}).", nameof(MinimumSurvivors));
    }
}
