namespace Federated.Edge.Quantization;

/// <summary>How <see cref="ModelQuantizer"/> calibrates activation ranges.</summary>
public sealed record CalibrationOptions
{
    /// <summary>Min-max (ONNX Runtime's default) or percentile.</summary>
    public CalibrationMethod Method { get; init; } = CalibrationMethod.MinMax;

    /// <summary>
    /// For <see cref="CalibrationMethod.Percentile"/>: the share of values (in percent) each range
    /// keeps on each side, e.g. 99.99 keeps [0.01st percentile, 99.99th percentile]. Wu et al.
    /// (2020) evaluate 99.9 to 99.9999; 99.99 and 99.999 did best across their models.
    /// </summary>
    public double Percentile { get; init; } = 99.99;

    /// <summary>Histogram bins over each activation's min-max range (2048, as TensorRT's and ONNX Runtime's calibrators use).</summary>
    public int HistogramBins { get; init; } = 2048;

    public static CalibrationOptions MinMax { get; } = new();

    public static CalibrationOptions PercentileOf(double percentile) => new() { Method = CalibrationMethod.Percentile, Percentile = percentile };

    /// <summary>Throws an <see cref="ArgumentException"/> naming the setting that is out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Method))
            throw new ArgumentException($"Unknown calibration method {Method}; use MinMax or Percentile.", nameof(Method));
        if (!(Percentile > 50 && Percentile <= 100))
            throw new ArgumentException($"Percentile {Percentile} is outside (50, 100].", nameof(Percentile));
        if (HistogramBins < 16 || HistogramBins > 1 << 20)
            throw new ArgumentException($"HistogramBins {HistogramBins} is outside [16, 1048576].", nameof(HistogramBins));
    }
}
