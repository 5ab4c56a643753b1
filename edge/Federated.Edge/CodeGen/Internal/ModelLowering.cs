using Federated.Edge.Quantization;
using Federated.Shared.Models;

namespace Federated.Edge.CodeGen.Internal;

/// <summary>
/// Turns a <see cref="QuantizedModel"/> into the runtime's layer table: conv2d/linear (with a
/// following ReLU fused as a clamp at the output zero point), stand-alone ReLU as a clamp, max
/// pooling; dropout and flatten cost nothing (CHW is already flat in memory).
/// </summary>
internal static class ModelLowering
{
    public static List<RuntimeOp> Lower(QuantizedModel model, bool appendSoftmax, bool includeReferenceBias)
    {
        var layers = model.Architecture.Layers;
        var activations = model.Activations;
        var (c, h, w) = ToChw(model.Architecture.InputShape);
        var ops = new List<RuntimeOp>();
        for (int i = 0; i < layers.Count; i++)
        {
            var inQ = activations[i];
            switch (layers[i])
            {
                case Conv2dLayer conv:
                {
                    bool fused = model.HasFusedRelu(i);
                    var outQ = activations[i + 1];
                    var weights = model.WeightsOf(i)!;
                    int oh = h - conv.KernelSize + 1, ow = w - conv.KernelSize + 1;
                    ops.Add(WeightOp(RuntimeOpKind.Conv2d, Describe(layers, i, fused), i, weights, inQ, outQ, fused, includeReferenceBias,
                        c, h, w, conv.OutChannels, oh, ow, conv.KernelSize));
                    (c, h, w) = (conv.OutChannels, oh, ow);
                    if (fused) i++;
                    break;
                }
                case LinearLayer linear:
                {
                    bool fused = model.HasFusedRelu(i);
                    var outQ = activations[i + 1];
                    var weights = model.WeightsOf(i)!;
                    ops.Add(WeightOp(RuntimeOpKind.FullyConnected, Describe(layers, i, fused), i, weights, inQ, outQ, fused, includeReferenceBias,
                        linear.InFeatures, 1, 1, linear.OutFeatures, 1, 1, 0));
                    (c, h, w) = (linear.OutFeatures, 1, 1);
                    if (fused) i++;
                    break;
                }
                case ReluLayer:
                    ops.Add(new RuntimeOp
                    {
                        Kind = RuntimeOpKind.Clamp, Description = "relu",
                        InC = c, InH = h, InW = w, OutC = c, OutH = h, OutW = w,
                        InputZeroPoint = inQ.ZeroPoint, OutputZeroPoint = inQ.ZeroPoint, ActMin = inQ.ZeroPoint,
                    });
                    break;
                case MaxPool2dLayer pool:
                {
                    int oh = h / pool.KernelSize, ow = w / pool.KernelSize;
                    ops.Add(new RuntimeOp
                    {
                        Kind = RuntimeOpKind.MaxPool, Description = pool.ToText(),
                        InC = c, InH = h, InW = w, OutC = c, OutH = oh, OutW = ow,
                        KernelH = pool.KernelSize, KernelW = pool.KernelSize, StrideH = pool.KernelSize, StrideW = pool.KernelSize,
                        InputZeroPoint = inQ.ZeroPoint, OutputZeroPoint = inQ.ZeroPoint,
                    });
                    (h, w) = (oh, ow);
                    break;
                }
                case DropoutLayer:
                    break;
                case FlattenLayer:
                    (c, h, w) = (c * h * w, 1, 1);
                    break;
                default:
                    throw new NotSupportedException($"Layer {i} ({layers[i].ToText()}) has no C runtime kernel.");
            }
        }
        if (ops.Count == 0)
            ops.Add(new RuntimeOp { Kind = RuntimeOpKind.Reshape, Description = "reshape", InC = c * h * w, OutC = c * h * w });
        if (appendSoftmax)
        {
            int n = c * h * w;
            ops.Add(new RuntimeOp
            {
                Kind = RuntimeOpKind.Softmax, Description = "softmax",
                InC = n, OutC = n, InputZeroPoint = model.Output.ZeroPoint, OutputZeroPoint = SoftmaxTable.Output.ZeroPoint,
                ExpTable = SoftmaxTable.Build(model.Output.Scale),
            });
        }
        for (int k = 0; k < ops.Count; k++)
        {
            ops[k].InputTensor = k;
            ops[k].OutputTensor = k + 1;
        }
        return ops;
    }

    private static (int C, int H, int W) ToChw(ReadOnlySpan<int> shape) => shape.Length switch
    {
        1 => (shape[0], 1, 1),
        2 => (1, shape[0], shape[1]),
        3 => (shape[0], shape[1], shape[2]),
        _ => throw new NotSupportedException($"Input shape [{string.Join('x', shape.ToArray())}] has {shape.Length} axes; the C runtime takes C, HxW or CxHxW."),
    };

    private static string Describe(IReadOnlyList<LayerSpec> layers, int index, bool fused) =>
        fused ? layers[index].ToText() + " + relu" : layers[index].ToText();

    private static RuntimeOp WeightOp(RuntimeOpKind kind, string description, int index, QuantizedWeights weights,
        ActivationQuantization inQ, ActivationQuantization outQ, bool fusedRelu, bool includeReferenceBias,
        int inC, int inH, int inW, int outC, int outH, int outW, int kernel)
    {
        int fanIn = weights.Weights.Length / outC;
        var folded = new int[outC];
        for (int o = 0; o < outC; o++)
        {
            CheckShift(weights.Shifts[o], index, o);
            // |acc| <= |bias| + fanIn · 255 · 127 must fit in int32 for the C loops to be exact.
            long bound = Math.Abs((long)weights.Bias[o]) + (long)fanIn * 255 * 127;
            if (bound > int.MaxValue)
                throw new ArgumentException($"Layer {index} ({description}), channel {o}: the int32 accumulator could overflow (bias {weights.Bias[o]}, {fanIn} inputs); the C runtime needs |bias| + fanIn·255·127 < 2^31.");
            int sum = 0;
            var row = weights.Weights.AsSpan(o * fanIn, fanIn);
            foreach (sbyte v in row) sum += v;
            folded[o] = unchecked(weights.Bias[o] - inQ.ZeroPoint * sum);
        }
        return new RuntimeOp
        {
            Kind = kind, Description = description,
            InC = inC, InH = inH, InW = inW, OutC = outC, OutH = outH, OutW = outW,
            KernelH = kernel, KernelW = kernel, StrideH = kernel > 0 ? 1 : 0, StrideW = kernel > 0 ? 1 : 0,
            InputZeroPoint = inQ.ZeroPoint, OutputZeroPoint = outQ.ZeroPoint,
            ActMin = fusedRelu ? outQ.ZeroPoint : ActivationQuantization.QMin,
            Weights = weights.Weights, FoldedBias = folded, RawBias = includeReferenceBias ? weights.Bias : null,
            Multipliers = weights.Multipliers, Shifts = weights.Shifts,
        };
    }

    private static void CheckShift(int shift, int index, int channel)
    {
        if (shift is < -31 or > 30)
            throw new ArgumentException($"Layer {index}, channel {channel}: shift {shift} is outside [-31, 30] (Requantization.QuantizeMultiplier's range).");
    }
}
