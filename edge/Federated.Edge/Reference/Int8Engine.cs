using System.Numerics.Tensors;
using Federated.Edge.Quantization;
using Federated.Edge.Reference.Internal;
using Federated.Shared.Models;

namespace Federated.Edge.Reference;

/// <summary>
/// The reference INT8 inference of a <see cref="QuantizedModel"/>: integer-only arithmetic as the
/// contract defines it (int32 accumulators, <see cref="Requantization.Requantize"/>, clamping at the
/// zero point for a fused ReLU, int8 max pooling, flatten as a no-op over CHW). Every INT8 back end
/// (the C runtime above all) must produce the same int8 logits bit for bit.
/// </summary>
/// <remarks>
/// Floats appear only at the edges: <see cref="QuantizeInput"/> (ONNX QuantizeLinear rounding with
/// the model input's parameters) and <see cref="Dequantize"/>. An instance owns its scratch buffers,
/// so it is not thread-safe; create one per thread (they share nothing mutable).
/// </remarks>
public sealed class Int8Engine
{
    private readonly QuantizedModel _model;
    private readonly NetworkShapes _shapes;
    private readonly short[]?[] _weights;
    private readonly LayerRequantization[] _requantization;
    private readonly sbyte[] _ping;
    private readonly sbyte[] _pong;
    private readonly sbyte[] _input;
    private readonly short[] _widened;
    private readonly short[] _patches;

    public Int8Engine(QuantizedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        ModelArchitecture architecture = model.Architecture;
        _shapes = new NetworkShapes(architecture);
        int layers = architecture.Layers.Count;
        _weights = new short[layers][];
        _requantization = new LayerRequantization[layers];
        for (int i = 0; i < layers; i++)
        {
            QuantizedWeights? weights = model.WeightsOf(i);
            if (weights is null) continue;
            // Widened once here so the inner loops multiply int16 lanes without converting.
            var widened = new short[weights.Weights.Length];
            TensorPrimitives.ConvertChecked<sbyte, short>(weights.Weights, widened);
            _weights[i] = widened;
            _requantization[i] = new LayerRequantization(
                Int8Kernels.FoldZeroPoint(weights.Weights, weights.Bias, model.Activations[i].ZeroPoint),
                weights.Multipliers, weights.Shifts, model.Activations[i + 1].ZeroPoint, model.HasFusedRelu(i));
        }
        _ping = new sbyte[_shapes.LargestActivation];
        _pong = new sbyte[_shapes.LargestActivation];
        _input = new sbyte[_shapes.Length(0)];
        _widened = new short[_shapes.LargestActivation];
        _patches = new short[Math.Max(1, _shapes.LargestPatchMatrix)];
    }

    public QuantizedModel Model => _model;

    /// <summary>Values per example.</summary>
    public int InputLength => _shapes.Length(0);

    /// <summary>Logits per example.</summary>
    public int OutputCount => _model.Architecture.OutputCount;

    /// <summary>Quantizes float inputs (one example or a whole batch) with the model input's parameters.</summary>
    public void QuantizeInput(ReadOnlySpan<float> input, Span<sbyte> destination)
    {
        if (destination.Length != input.Length)
            throw new ArgumentException($"Quantizing {input.Length} values needs a destination of {input.Length}; got {destination.Length}.", nameof(destination));
        ActivationQuantization q = _model.Input;
        for (int i = 0; i < input.Length; i++) destination[i] = q.Quantize(input[i]);
    }

    /// <summary>Runs one quantized example to its int8 logits.</summary>
    public void Run(ReadOnlySpan<sbyte> input, Span<sbyte> logits)
    {
        CheckExample(input.Length);
        CheckLogits(logits.Length, 1);
        Forward(input).CopyTo(logits);
    }

    /// <summary>Quantizes and runs one float example.</summary>
    public void Run(ReadOnlySpan<float> input, Span<sbyte> logits)
    {
        CheckExample(input.Length);
        CheckLogits(logits.Length, 1);
        QuantizeInput(input, _input);
        Forward(_input).CopyTo(logits);
    }

    /// <summary>Runs a batch of quantized examples stored one after another.</summary>
    public void RunBatch(ReadOnlySpan<sbyte> inputs, Span<sbyte> logits)
    {
        int count = BatchCount(inputs.Length);
        CheckLogits(logits.Length, count);
        for (int e = 0; e < count; e++)
            Forward(inputs.Slice(e * InputLength, InputLength)).CopyTo(logits.Slice(e * OutputCount, OutputCount));
    }

    /// <summary>Quantizes and runs a batch of float examples stored one after another.</summary>
    public void RunBatch(ReadOnlySpan<float> inputs, Span<sbyte> logits)
    {
        int count = BatchCount(inputs.Length);
        CheckLogits(logits.Length, count);
        for (int e = 0; e < count; e++)
        {
            QuantizeInput(inputs.Slice(e * InputLength, InputLength), _input);
            Forward(_input).CopyTo(logits.Slice(e * OutputCount, OutputCount));
        }
    }

    /// <summary>The class of one float example: the index of its first largest int8 logit.</summary>
    public int Classify(ReadOnlySpan<float> input)
    {
        CheckExample(input.Length);
        QuantizeInput(input, _input);
        return ArgMax(Forward(_input));
    }

    /// <summary>The class of every float example of a batch.</summary>
    public void Classify(ReadOnlySpan<float> inputs, Span<int> classes)
    {
        int count = BatchCount(inputs.Length);
        if (classes.Length != count)
            throw new ArgumentException($"{count} examples need {count} class slots; the destination holds {classes.Length}.", nameof(classes));
        for (int e = 0; e < count; e++)
        {
            QuantizeInput(inputs.Slice(e * InputLength, InputLength), _input);
            classes[e] = ArgMax(Forward(_input));
        }
    }

    /// <summary>Real values of int8 logits, with the model output's parameters.</summary>
    public void Dequantize(ReadOnlySpan<sbyte> logits, Span<float> destination)
    {
        if (destination.Length != logits.Length)
            throw new ArgumentException($"Dequantizing {logits.Length} logits needs a destination of {logits.Length}; got {destination.Length}.", nameof(destination));
        ActivationQuantization q = _model.Output;
        for (int i = 0; i < logits.Length; i++) destination[i] = q.Dequantize(logits[i]);
    }

    /// <summary>The index of the first largest value (dequantizing is monotonic, so it is the float argmax too).</summary>
    public static int ArgMax(ReadOnlySpan<sbyte> logits)
    {
        if (logits.IsEmpty) throw new ArgumentException("No logits to take the argmax of.", nameof(logits));
        int best = 0;
        for (int i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best]) best = i;
        }
        return best;
    }

    private void CheckExample(int length)
    {
        if (length != InputLength)
            throw new ArgumentException($"An example of '{_model.Architecture}' has {InputLength} values, got {length}.", nameof(length));
    }

    private void CheckLogits(int length, int count)
    {
        if (length != count * OutputCount)
            throw new ArgumentException($"{count} example(s) produce {count * OutputCount} logits; the destination holds {length}.", nameof(length));
    }

    private int BatchCount(int values)
    {
        if (values % InputLength != 0)
            throw new ArgumentException($"A batch for '{_model.Architecture}' holds a multiple of {InputLength} values per example; got {values}.", nameof(values));
        return values / InputLength;
    }

    /// <summary>The forward pass; the result lives in a scratch buffer until the next call.</summary>
    private ReadOnlySpan<sbyte> Forward(ReadOnlySpan<sbyte> input)
    {
        IReadOnlyList<LayerSpec> layers = _model.Architecture.Layers;
        ReadOnlySpan<sbyte> current = input;
        for (int i = 0; i < layers.Count; i++)
        {
            Span<sbyte> next = (current.Overlaps(_ping) ? _pong : _ping).AsSpan(0, _shapes.Length(i + 1));
            ReadOnlySpan<int> shape = _shapes.Shape(i);
            switch (layers[i])
            {
                case Conv2dLayer conv:
                    Int8Kernels.Conv2d(current, conv.InChannels, shape[1], shape[2], conv.KernelSize, _weights[i]!, in _requantization[i], _widened, _patches, next);
                    current = next;
                    break;
                case LinearLayer:
                    Int8Kernels.Linear(current, _weights[i]!, in _requantization[i], _widened, next);
                    current = next;
                    break;
                case ReluLayer:
                    // After a fused conv/linear this changes nothing; elsewhere it floors at real 0.
                    Int8Kernels.Relu(current, _model.Activations[i].ZeroPoint, next);
                    current = next;
                    break;
                case MaxPool2dLayer pool:
                    Int8Kernels.MaxPool2d(current, shape[0], shape[1], shape[2], pool.KernelSize, next);
                    current = next;
                    break;
                case DropoutLayer or FlattenLayer:
                    break;
                default:
                    throw new NotSupportedException($"Layer {i} ({layers[i].ToText()}) has no INT8 reference kernel.");
            }
        }
        return current;
    }
}
