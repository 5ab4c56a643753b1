namespace Federated.Edge.Reference;

/// <summary>
/// Sees every activation of a forward pass of <see cref="FloatEngine"/>, one example at a time
/// (calibration collects ranges and histograms this way).
/// </summary>
public interface IActivationObserver
{
    /// <summary>
    /// Called once per example for each activation: <paramref name="activation"/> 0 is the model
    /// input, <c>i + 1</c> the output of layer <c>i</c> (the numbering of
    /// <see cref="Quantization.QuantizedModel.Activations"/>). The span is only valid during the call.
    /// </summary>
    void Observe(int activation, ReadOnlySpan<float> values);
}
