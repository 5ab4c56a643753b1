namespace Federated.Edge.Export;

/// <summary>What an ONNX export records besides the network itself. Defaults: no round, no hash, logits only.</summary>
public sealed class OnnxExportOptions
{
    /// <summary>The training round that produced the parameters, stored as metadata (<c>federated.round</c>).</summary>
    public long? Round { get; init; }

    /// <summary>
    /// The content hash of the float parameters (<c>federated.content-hash</c>). Float exports compute it
    /// when it is not given; quantized exports store it only when given (a <c>QuantizedModel</c> has no floats).
    /// </summary>
    public string? ContentHash { get; init; }

    /// <summary>
    /// Also expose every layer's output as a graph output named <c>OnnxNames.Activation(i)</c>, after the
    /// logits. Calibration reads activation ranges from them; inference does not need them.
    /// </summary>
    public bool ExposeActivations { get; init; }

    internal static OnnxExportOptions Default { get; } = new();
}
