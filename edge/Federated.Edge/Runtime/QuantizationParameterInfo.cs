namespace Federated.Edge.Runtime;

/// <summary>
/// The parameters of one QuantizeLinear or DequantizeLinear node of a QDQ model: per tensor (one scale,
/// <see cref="Axis"/> null) for activations, per channel along <see cref="Axis"/> for weights and biases.
/// </summary>
/// <param name="Node">The node's name.</param>
/// <param name="OpType"><c>QuantizeLinear</c> or <c>DequantizeLinear</c>.</param>
/// <param name="Tensor">The value it quantizes (Q) or dequantizes (DQ).</param>
/// <param name="IsConstant">Whether <see cref="Tensor"/> is an initializer (weights, bias) rather than an activation.</param>
/// <param name="QuantizedType">Element type of the quantized side: <c>int8</c>, <c>uint8</c>, <c>int32</c>.</param>
public sealed record QuantizationParameterInfo(
    string Node,
    string OpType,
    string Tensor,
    bool IsConstant,
    string QuantizedType,
    IReadOnlyList<float> Scales,
    IReadOnlyList<int> ZeroPoints,
    int? Axis);
