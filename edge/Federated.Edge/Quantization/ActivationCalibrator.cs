using Federated.Edge.Quantization.Internal;
using Federated.Edge.Reference;
using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Edge.Quantization;

/// <summary>
/// Static post-training calibration: runs the FP32 model (<see cref="FloatEngine"/>) over a
/// calibration sample and picks a range for every activation (entry 0: the input, <c>i + 1</c>: the
/// output of layer <c>i</c>, as <see cref="QuantizedModel.Activations"/> numbers them).
/// </summary>
/// <remarks>
/// <see cref="CalibrationMethod.MinMax"/> keeps the extremes. <see cref="CalibrationMethod.Percentile"/>
/// is the percentile calibration of Wu, Judd, Zhang, Isaev and Micikevicius, "Integer Quantization
/// for Deep Learning Inference: Principles and Empirical Evaluation" (arXiv:2004.09602, 2020, §4.2),
/// in its asymmetric form: because activations here are asymmetric, each tail is clipped at its own
/// percentile (the p-th and the (100 − p)-th) rather than |x| at one, as ONNX Runtime's
/// HistogramCollector does for non-symmetric tensors. The histogram needs the range first, so the
/// sample is run twice: a min-max pass fixes each histogram's span, a second pass fills it.
/// </remarks>
public static class ActivationCalibrator
{
    /// <param name="samples">Calibration examples stored one after another (<c>count × InputLength</c> values).</param>
    public static ActivationRange[] Calibrate(ModelArchitecture architecture, ParameterBuffer parameters, ReadOnlySpan<float> samples, CalibrationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(parameters);
        options ??= CalibrationOptions.MinMax;
        options.Validate();
        CalibrationChecks.CheckParameters(architecture, parameters);
        int count = CalibrationChecks.CheckSamples(architecture, samples);

        var engine = new FloatEngine(architecture, parameters);
        int activations = architecture.Layers.Count + 1;
        var logits = new float[engine.OutputCount];
        var minMax = new MinMaxObserver(activations);
        for (int e = 0; e < count; e++)
        {
            engine.Run(samples.Slice(e * engine.InputLength, engine.InputLength), logits, minMax);
            if (minMax.FirstNonFinite >= 0)
                throw new ArgumentException(
                    $"Calibration example {e} drives {Describe(architecture, minMax.FirstNonFinite)} to a non-finite value; the parameters or the input scale are unusable.", nameof(samples));
        }
        var ranges = new ActivationRange[activations];
        for (int a = 0; a < activations; a++) ranges[a] = minMax.Range(a);
        if (options.Method == CalibrationMethod.MinMax) return ranges;

        var histogram = new HistogramObserver(ranges, options.HistogramBins);
        for (int e = 0; e < count; e++)
            engine.Run(samples.Slice(e * engine.InputLength, engine.InputLength), logits, histogram);
        var clipped = new ActivationRange[activations];
        for (int a = 0; a < activations; a++) clipped[a] = histogram.PercentileRange(a, options.Percentile);
        return clipped;
    }

    internal static string Describe(ModelArchitecture architecture, int activation) =>
        activation == 0 ? "the model input" : $"the output of layer {activation - 1} ({architecture.Layers[activation - 1].ToText()})";
}
