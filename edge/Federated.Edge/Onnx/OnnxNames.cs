using System.Globalization;

namespace Federated.Edge.Onnx;

/// <summary>
/// The names Federated's ONNX files use, so runners, calibration and inspection find tensors
/// without guessing: one float input, one float output of class scores, and optionally every
/// layer's output (see <c>OnnxExportOptions.ExposeActivations</c>).
/// </summary>
public static class OnnxNames
{
    /// <summary>The graph input: float32 <c>[N, ...InputShape]</c> with a symbolic batch axis.</summary>
    public const string Input = "input";

    /// <summary>The graph output: float32 <c>[N, classes]</c>.</summary>
    public const string Logits = "logits";

    /// <summary>The symbolic batch dimension of the input and outputs.</summary>
    public const string BatchDimension = "N";

    /// <summary>Metadata key: the architecture's canonical text.</summary>
    public const string ArchitectureKey = "federated.architecture";

    /// <summary>Metadata key: the content hash of the float parameters the model was exported from.</summary>
    public const string ContentHashKey = "federated.content-hash";

    /// <summary>Metadata key: the training round that produced the parameters.</summary>
    public const string RoundKey = "federated.round";

    /// <summary>Metadata key: <c>fp32</c> or <c>qdq-s8s8</c>.</summary>
    public const string FormatKey = "federated.format";

    /// <summary>The name of layer <paramref name="layer"/>'s output tensor (the last layer's is <see cref="Logits"/>).</summary>
    public static string Activation(int layer) => string.Create(CultureInfo.InvariantCulture, $"activation.{layer}");
}
