using System.Globalization;
using Federated.Edge.Onnx;
using Federated.Edge.Onnx.Internal;
using Federated.Edge.Onnx.Proto;
using Federated.Edge.Quantization;
using Federated.Shared.Models;

namespace Federated.Edge.Export.Internal;

/// <summary>
/// Writes a <see cref="QuantizedModel"/> as an ONNX graph in the QDQ format, S8S8 (ONNX Runtime's
/// "Quantize ONNX models" guide): int8 weights per output channel and int32 biases behind
/// DequantizeLinear, and every activation as QuantizeLinear → DequantizeLinear with int8 per-tensor
/// parameters. ONNX Runtime fuses an op into an integer kernel only when DequantizeLinear feeds it
/// and a QuantizeLinear follows it, so every op here gets a QuantizeLinear after it:
/// <code>
/// input ─Q─DQ─Conv─Relu─Q─DQ─Conv─Relu─Q─DQ─MaxPool─Q─DQ─Flatten─Q─DQ─Gemm─Relu─Q─DQ─Gemm─Q─DQ─ logits
/// </code>
/// A fused ReLU is a Relu right before a QuantizeLinear whose zero point is −128: the Q saturates at
/// the same value, so ONNX Runtime drops the Relu (ReluQuantFusion) and Conv/Gemm become QLinearConv/QGemm.
/// </summary>
internal static class QdqGraphWriter
{
    public static ModelProto Write(QuantizedModel model, OnnxExportOptions options)
    {
        ModelArchitecture architecture = model.Architecture;
        var graph = new OnnxGraphBuilder("federated_qdq_s8s8");
        graph.AddInput(OnnxNames.Input, architecture.InputShape);
        ReadOnlySpan<ActivationQuantization> activations = model.Activations;
        for (int a = 0; a < activations.Length; a++)
        {
            graph.AddInitializer(OnnxTensors.FloatScalar(ScaleName(a), activations[a].Scale));
            graph.AddInitializer(OnnxTensors.Int8Scalar(ZeroPointName(a), (sbyte)activations[a].ZeroPoint));
        }

        int last = architecture.Layers.Count - 1;
        string current = QuantizeDequantize(graph, OnnxNames.Input, "input", 0, null);
        int[] shape = architecture.InputShape.ToArray();
        var exposed = new List<(string Name, int[] Shape)>();
        for (int i = 0; i <= last; i++)
        {
            LayerSpec layer = architecture.Layers[i];
            shape = layer.OutputShape(shape);
            string node = $"{i}.{layer.Keyword}";
            int done = i;
            switch (layer)
            {
                case Conv2dLayer conv:
                    AddWeights(graph, model, i, layer.Parameters[0].Shape);
                    current = Requantize(graph, model, i, last, graph.AddNode("Conv", node, $"{i}.float", [current, $"{i}.weight", $"{i}.bias"],
                        OnnxGraphBuilder.Ints("kernel_shape", conv.KernelSize, conv.KernelSize),
                        OnnxGraphBuilder.Ints("strides", 1, 1)), out done);
                    break;
                case LinearLayer:
                    AddWeights(graph, model, i, layer.Parameters[0].Shape);
                    current = Requantize(graph, model, i, last,
                        graph.AddNode("Gemm", node, $"{i}.float", [current, $"{i}.weight", $"{i}.bias"], OnnxGraphBuilder.Int("transB", 1)), out done);
                    break;
                case ReluLayer:
                    current = QuantizeDequantize(graph, graph.AddNode("Relu", node, $"{i}.float", [current]), $"{i}", i + 1, FinalName(i, last));
                    break;
                case MaxPool2dLayer pool:
                    current = QuantizeDequantize(graph, graph.AddNode("MaxPool", node, $"{i}.float", [current],
                        OnnxGraphBuilder.Ints("kernel_shape", pool.KernelSize, pool.KernelSize),
                        OnnxGraphBuilder.Ints("strides", pool.KernelSize, pool.KernelSize)), $"{i}", i + 1, FinalName(i, last));
                    break;
                case FlattenLayer:
                    current = QuantizeDequantize(graph, graph.AddNode("Flatten", node, $"{i}.float", [current], OnnxGraphBuilder.Int("axis", 1)),
                        $"{i}", i + 1, FinalName(i, last));
                    break;
                case DropoutLayer:
                    // Identity at inference: nothing to write unless the value needs the output's name.
                    if (i == last) current = graph.AddNode("Identity", node, OnnxNames.Logits, [current]);
                    break;
                default:
                    throw new NotSupportedException($"Layer {i} ({layer.ToText()}) has no ONNX export.");
            }
            // A fused ReLU (layer done = i + 1) keeps the shape; both layers expose the post-ReLU tensor.
            for (int j = i; j <= done && j < last && options.ExposeActivations; j++)
                exposed.Add((graph.AddNode("Identity", $"{j}.expose", OnnxNames.Activation(j), [current]), shape));
            i = done;
        }
        graph.AddOutput(OnnxNames.Logits, shape);
        foreach (var (name, activationShape) in exposed) graph.AddOutput(name, activationShape);
        return graph.Build(OnnxGraphBuilder.Metadata(architecture, "qdq-s8s8", options.Round, options.ContentHash));
    }

    /// <summary>
    /// Takes a conv/linear float output to its output quantization. With a fused ReLU the ReLU layer
    /// (<paramref name="layer"/> + 1) is written here too, and <paramref name="done"/> says so.
    /// </summary>
    private static string Requantize(OnnxGraphBuilder graph, QuantizedModel model, int layer, int last, string output, out int done)
    {
        done = layer;
        if (!model.HasFusedRelu(layer))
            return QuantizeDequantize(graph, output, $"{layer}", layer + 1, FinalName(layer, last));

        int relu = layer + 1;
        done = relu;
        if (model.Activations[relu + 1].ZeroPoint == ActivationQuantization.QMin)
        {
            string rectified = graph.AddNode("Relu", $"{relu}.relu", $"{relu}.float", [output]);
            return QuantizeDequantize(graph, rectified, $"{relu}", relu + 1, FinalName(relu, last));
        }
        // A degenerate range (zero point above −128, e.g. an all-zero calibration): quantize, then
        // rectify in the dequantized domain, which clamps at the zero point just the same.
        string quantized = QuantizeDequantize(graph, output, $"{layer}", layer + 1, null);
        return QuantizeDequantize(graph, graph.AddNode("Relu", $"{relu}.relu", $"{relu}.float", [quantized]), $"{relu}", relu + 1, FinalName(relu, last));
    }

    private static string? FinalName(int layer, int last) => layer == last ? OnnxNames.Logits : null;

    /// <summary>QuantizeLinear then DequantizeLinear with activation <paramref name="activation"/>'s parameters; returns the float name.</summary>
    private static string QuantizeDequantize(OnnxGraphBuilder graph, string input, string prefix, int activation, string? finalName)
    {
        string quantized = graph.AddNode("QuantizeLinear", $"{prefix}.quantize", $"{prefix}.q", [input, ScaleName(activation), ZeroPointName(activation)]);
        return graph.AddNode("DequantizeLinear", $"{prefix}.dequantize", finalName ?? $"{prefix}.dq", [quantized, ScaleName(activation), ZeroPointName(activation)]);
    }

    /// <summary>
    /// int8 weights per output channel (axis 0, zero point 0) and int32 bias with scale
    /// inputScale · weightScale[c] and zero point 0, each behind a DequantizeLinear.
    /// </summary>
    private static void AddWeights(OnnxGraphBuilder graph, QuantizedModel model, int layer, ReadOnlySpan<int> weightShape)
    {
        QuantizedWeights weights = model.WeightsOf(layer)!;
        int channels = weights.OutputChannels;
        var dims = new long[weightShape.Length];
        for (int d = 0; d < dims.Length; d++) dims[d] = weightShape[d];
        float inputScale = model.Activations[layer].Scale;
        var biasScales = new float[channels];
        for (int c = 0; c < channels; c++) biasScales[c] = inputScale * weights.WeightScales[c];

        graph.AddInitializer(OnnxTensors.Int8($"{layer}.weight.quantized", weights.Weights, dims));
        graph.AddInitializer(OnnxTensors.Float($"{layer}.weight.scale", weights.WeightScales, channels));
        graph.AddInitializer(OnnxTensors.Int8($"{layer}.weight.zero_point", new sbyte[channels], channels));
        graph.AddNode("DequantizeLinear", $"{layer}.weight.dequantize", $"{layer}.weight",
            [$"{layer}.weight.quantized", $"{layer}.weight.scale", $"{layer}.weight.zero_point"], OnnxGraphBuilder.Int("axis", 0));

        graph.AddInitializer(OnnxTensors.Int32($"{layer}.bias.quantized", weights.Bias, channels));
        graph.AddInitializer(OnnxTensors.Float($"{layer}.bias.scale", biasScales, channels));
        graph.AddInitializer(OnnxTensors.Int32($"{layer}.bias.zero_point", new int[channels], channels));
        graph.AddNode("DequantizeLinear", $"{layer}.bias.dequantize", $"{layer}.bias",
            [$"{layer}.bias.quantized", $"{layer}.bias.scale", $"{layer}.bias.zero_point"], OnnxGraphBuilder.Int("axis", 0));
    }

    private static string ScaleName(int activation) => string.Create(CultureInfo.InvariantCulture, $"activation{activation}.scale");

    private static string ZeroPointName(int activation) => string.Create(CultureInfo.InvariantCulture, $"activation{activation}.zero_point");
}
