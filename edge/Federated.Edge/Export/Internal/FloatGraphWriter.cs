using Federated.Edge.Onnx;
using Federated.Edge.Onnx.Internal;
using Federated.Edge.Onnx.Proto;
using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Edge.Export.Internal;

/// <summary>
/// Writes an architecture and its float parameters as an FP32 ONNX graph with PyTorch's semantics:
/// conv2d → Conv (stride 1, no padding), linear → Gemm with transB = 1 (PyTorch stores weights
/// [out, in]), relu → Relu, maxpool2d → MaxPool (window = stride, floor), flatten → Flatten(axis 1);
/// dropout is the identity at inference and writes nothing.
/// </summary>
internal static class FloatGraphWriter
{
    public static ModelProto Write(ModelArchitecture architecture, ReadOnlySpan<float> parameters, OnnxExportOptions options, string? contentHash)
    {
        var graph = new OnnxGraphBuilder("federated_fp32");
        graph.AddInput(OnnxNames.Input, architecture.InputShape);
        ParameterLayout layout = architecture.Layout;
        string current = OnnxNames.Input;
        int[] shape = architecture.InputShape.ToArray();
        int last = architecture.Layers.Count - 1;
        var exposed = new List<(string Name, int[] Shape)>();
        for (int i = 0; i <= last; i++)
        {
            LayerSpec layer = architecture.Layers[i];
            shape = layer.OutputShape(shape);
            string output = i == last ? OnnxNames.Logits : OnnxNames.Activation(i);
            string node = $"{i}.{layer.Keyword}";
            switch (layer)
            {
                case Conv2dLayer conv:
                    AddParameters(graph, layout, parameters, i);
                    current = graph.AddNode("Conv", node, output, [current, $"{i}.weight", $"{i}.bias"],
                        OnnxGraphBuilder.Ints("kernel_shape", conv.KernelSize, conv.KernelSize),
                        OnnxGraphBuilder.Ints("strides", 1, 1));
                    break;
                case LinearLayer:
                    AddParameters(graph, layout, parameters, i);
                    current = graph.AddNode("Gemm", node, output, [current, $"{i}.weight", $"{i}.bias"], OnnxGraphBuilder.Int("transB", 1));
                    break;
                case ReluLayer:
                    current = graph.AddNode("Relu", node, output, [current]);
                    break;
                case MaxPool2dLayer pool:
                    current = graph.AddNode("MaxPool", node, output, [current],
                        OnnxGraphBuilder.Ints("kernel_shape", pool.KernelSize, pool.KernelSize),
                        OnnxGraphBuilder.Ints("strides", pool.KernelSize, pool.KernelSize));
                    break;
                case FlattenLayer:
                    current = graph.AddNode("Flatten", node, output, [current], OnnxGraphBuilder.Int("axis", 1));
                    break;
                case DropoutLayer:
                    // Identity at inference; a node only where the value needs its own name.
                    if (i == last || options.ExposeActivations) current = graph.AddNode("Identity", node, output, [current]);
                    break;
                default:
                    throw new NotSupportedException($"Layer {i} ({layer.ToText()}) has no ONNX export.");
            }
            if (i != last && options.ExposeActivations) exposed.Add((output, shape));
        }
        graph.AddOutput(OnnxNames.Logits, shape);
        foreach (var (name, activationShape) in exposed) graph.AddOutput(name, activationShape);
        return graph.Build(OnnxGraphBuilder.Metadata(architecture, "fp32", options.Round, contentHash));
    }

    private static void AddParameters(OnnxGraphBuilder graph, ParameterLayout layout, ReadOnlySpan<float> parameters, int layer)
    {
        foreach (string suffix in (ReadOnlySpan<string>)["weight", "bias"])
        {
            int index = layout.IndexOf($"{layer}.{suffix}");
            TensorSpec spec = layout.Tensors[index];
            graph.AddInitializer(OnnxTensors.Float(spec.Name, parameters.Slice(layout.OffsetOf(index), spec.ElementCount), spec.ShapeAsInt64()));
        }
    }
}
