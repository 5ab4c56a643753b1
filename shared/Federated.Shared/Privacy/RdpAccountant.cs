namespace Federated.Shared.Privacy;

/// <summary>
/// Tracks the Rényi-DP spent by a sequence of subsampled Gaussian releases (RDP composes by adding,
/// order by order: Mironov 2017, Proposition 1) and converts it to (ε, δ)-DP at the order that gives
/// the smallest ε. The conversion is Balle et al. 2020, "Hypothesis Testing Interpretations and Rényi
/// Differential Privacy" (AISTATS), Theorem 21: ε = ε_α + log(1 − 1/α) − log(δ·α)/(α − 1), which is
/// never worse than Mironov 2017's Proposition 3 (ε_α + log(1/δ)/(α − 1)); TensorFlow Privacy and Opacus
/// use the same. Not thread-safe.
/// </summary>
public sealed class RdpAccountant
{
    private readonly double[] _orders;
    private readonly double[] _rdp;

    /// <param name="orders">RDP orders to track, each &gt; 1; <see cref="DefaultOrders"/> when null.</param>
    public RdpAccountant(IReadOnlyList<double>? orders = null)
    {
        _orders = [.. orders ?? DefaultOrders];
        if (_orders.Length == 0) throw new ArgumentException("At least one RDP order is needed.", nameof(orders));
        foreach (double order in _orders)
        {
            if (!(order > 1)) throw new ArgumentOutOfRangeException(nameof(orders), order, "RDP orders must be greater than 1.");
        }
        _rdp = new double[_orders.Length];
    }

    /// <summary>
    /// 1.1 to 10.9 in steps of 0.1, the integers 11 to 63, then 128, 256 and 512: fine orders near 1 for
    /// large ε, large ones for small q with little noise (the grid of Opacus's accountant, extended upwards).
    /// </summary>
    public static IReadOnlyList<double> DefaultOrders { get; } = BuildDefaultOrders();

    public IReadOnlyList<double> Orders => _orders;

    /// <summary>The RDP spent so far, one value per order of <see cref="Orders"/>.</summary>
    public ReadOnlySpan<double> Rdp => _rdp;

    /// <summary>Subsampled Gaussian releases counted so far.</summary>
    public long Steps { get; private set; }

    /// <summary>Counts <paramref name="steps"/> releases with inclusion probability q and noise multiplier z.</summary>
    public void Compose(double samplingRate, double noiseMultiplier, long steps = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        for (int i = 0; i < _orders.Length; i++)
            _rdp[i] += steps * SubsampledGaussianRdp.Compute(samplingRate, noiseMultiplier, _orders[i]);
        Steps += steps;
    }

    /// <summary>The smallest ε for <paramref name="delta"/> over the tracked orders.</summary>
    public PrivacySpent GetPrivacySpent(double delta) => ToApproximateDp(_orders, _rdp, delta);

    /// <summary>
    /// (ε, δ) from RDP values at several orders (Balle et al. 2020, Theorem 21), the best order chosen.
    /// Orders below 1.01 are skipped (the bound is numerically unstable there and never the best); an
    /// ε_α with δ² ≥ 1 − e^(−ε_α) gives ε = 0, since total variation ≤ √(1 − e^(−KL)) (Bretagnolle &amp;
    /// Huber 1979) and KL ≤ ε_α. ε is +∞ when every order's RDP is infinite.
    /// </summary>
    public static PrivacySpent ToApproximateDp(IReadOnlyList<double> orders, ReadOnlySpan<double> rdp, double delta)
    {
        ArgumentNullException.ThrowIfNull(orders);
        if (orders.Count != rdp.Length)
            throw new ArgumentException($"{orders.Count} orders but {rdp.Length} RDP values.", nameof(rdp));
        if (!(delta is > 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "δ must be in (0, 1).");
        double best = double.PositiveInfinity, bestOrder = double.NaN;
        for (int i = 0; i < rdp.Length; i++)
        {
            double alpha = orders[i], r = rdp[i];
            if (r < 0) throw new ArgumentOutOfRangeException(nameof(rdp), r, $"RDP at order {alpha} is negative.");
            double epsilon;
            if (delta * delta + Math.Exp(-r) - 1 >= 0) epsilon = 0;
            else if (alpha > 1.01) epsilon = r + Math.Log(1 - 1 / alpha) - Math.Log(delta * alpha) / (alpha - 1);
            else continue;
            if (epsilon < best)
            {
                best = epsilon;
                bestOrder = alpha;
            }
        }
        return new PrivacySpent(Math.Max(0, best), delta, bestOrder);
    }

    private static double[] BuildDefaultOrders()
    {
        var orders = new List<double>();
        for (int x = 11; x < 110; x++) orders.Add(x / 10.0);
        for (int x = 11; x < 64; x++) orders.Add(x);
        orders.AddRange([128, 256, 512]);
        return [.. orders];
    }
}
