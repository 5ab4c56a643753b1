namespace Federated.Edge.Quantization;

/// <summary>How an activation's range is chosen from what calibration saw.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen: nothing clips, outliers cost resolution.</summary>
    MinMax,

    /// <summary>
    /// The <see cref="CalibrationOptions.Percentile"/>-th percentile of each tail, read from a
    /// histogram: a few outliers clip so the bulk keeps its resolution (Wu et al. 2020, §4.2).
    /// </summary>
    Percentile,
}
