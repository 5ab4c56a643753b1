namespace Federated.Edge.Runtime;

/// <summary>What an ONNX file holds, read without running it.</summary>
/// <param name="SizeBytes">The file's size.</param>
/// <param name="Opsets">Imported operator sets as <c>domain:version</c> (default domain as <c>ai.onnx</c>).</param>
/// <param name="InitializerBytes">Bytes of constant tensors (weights, biases, quantization parameters).</param>
public sealed record OnnxModelSummary(
    long SizeBytes,
    long IrVersion,
    string Producer,
    IReadOnlyList<string> Opsets,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<TensorDescription> Inputs,
    IReadOnlyList<TensorDescription> Outputs,
    IReadOnlyList<OnnxNodeInfo> Nodes,
    int InitializerCount,
    long InitializerBytes);
