using System.Numerics.Tensors;
using Federated.Edge.Reference.Internal;
using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Edge.Reference;

/// <summary>
/// A managed FP32 forward pass of any <see cref="ModelArchitecture"/> with PyTorch's inference
/// semantics (dropout is the identity): the float baseline that INT8 results are compared with and
/// the source of the activations that calibration observes. No native code; inner products run on
/// <see cref="TensorPrimitives"/>.
/// </summary>
/// <remarks>
/// An instance owns its scratch buffers, so it is not thread-safe: create one per thread. The
/// parameters are copied at construction.
/// </remarks>
public sealed class FloatEngine
{
    private readonly ModelArchitecture _architecture;
    private readonly NetworkShapes _shapes;
    private readonly float[]?[] _weights;
    private readonly float[]?[] _biases;
    private readonly float[] _ping;
    private readonly float[] _pong;
    private readonly float[] _patches;

    public FloatEngine(ModelArchitecture architecture, ParameterBuffer parameters)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!parameters.Layout.Equals(architecture.Layout))
            throw new ArgumentException(
                $"The parameters' layout ({parameters.Layout}) is not the layout of '{architecture}' ({architecture.Layout}).", nameof(parameters));
        _architecture = architecture;
        _shapes = new NetworkShapes(architecture);
        int layers = architecture.Layers.Count;
        _weights = new float[layers][];
        _biases = new float[layers][];
        for (int i = 0; i < layers; i++)
        {
            if (architecture.Layers[i].Parameters.Count == 0) continue;
            string prefix = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _weights[i] = parameters.Tensor(prefix + ".weight").ToArray();
            _biases[i] = parameters.Tensor(prefix + ".bias").ToArray();
        }
        _ping = new float[_shapes.LargestActivation];
        _pong = new float[_shapes.LargestActivation];
        _patches = new float[Math.Max(1, _shapes.LargestPatchMatrix)];
    }

    public ModelArchitecture Architecture => _architecture;

    /// <summary>Values per example.</summary>
    public int InputLength => _shapes.Length(0);

    /// <summary>Logits per example.</summary>
    public int OutputCount => _architecture.OutputCount;

    /// <summary>Runs one example; <paramref name="observer"/>, when given, sees every activation.</summary>
    public void Run(ReadOnlySpan<float> input, Span<float> logits, IActivationObserver? observer = null)
    {
        if (input.Length != InputLength)
            throw new ArgumentException($"An example of '{_architecture}' has {InputLength} values, got {input.Length}.", nameof(input));
        if (logits.Length != OutputCount)
            throw new ArgumentException($"'{_architecture}' produces {OutputCount} logits per example; the destination holds {logits.Length}.", nameof(logits));
        Forward(input, observer).CopyTo(logits);
    }

    /// <summary>Runs a batch stored example after example (<c>count × InputLength</c> values).</summary>
    public void RunBatch(ReadOnlySpan<float> inputs, Span<float> logits, IActivationObserver? observer = null)
    {
        int count = BatchCount(inputs.Length);
        if (logits.Length != count * OutputCount)
            throw new ArgumentException($"{count} examples produce {count * OutputCount} logits; the destination holds {logits.Length}.", nameof(logits));
        for (int e = 0; e < count; e++)
            Forward(inputs.Slice(e * InputLength, InputLength), observer).CopyTo(logits.Slice(e * OutputCount, OutputCount));
    }

    /// <summary>The class of each example of a batch (the first largest logit).</summary>
    public void Classify(ReadOnlySpan<float> inputs, Span<int> classes)
    {
        int count = BatchCount(inputs.Length);
        if (classes.Length != count)
            throw new ArgumentException($"{count} examples need {count} class slots; the destination holds {classes.Length}.", nameof(classes));
        for (int e = 0; e < count; e++)
            classes[e] = TensorPrimitives.IndexOfMax(Forward(inputs.Slice(e * InputLength, InputLength), observer: null));
    }

    private int BatchCount(int values)
    {
        if (values % InputLength != 0)
            throw new ArgumentException($"A batch for '{_architecture}' holds a multiple of {InputLength} values per example; got {values}.", nameof(values));
        return values / InputLength;
    }

    /// <summary>The forward pass; the result lives in one of the scratch buffers until the next call.</summary>
    private ReadOnlySpan<float> Forward(ReadOnlySpan<float> input, IActivationObserver? observer)
    {
        observer?.Observe(0, input);
        ReadOnlySpan<float> current = input;
        for (int i = 0; i < _architecture.Layers.Count; i++)
        {
            // Write into whichever scratch buffer does not hold the current activation.
            Span<float> next = (current.Overlaps(_ping) ? _pong : _ping).AsSpan(0, _shapes.Length(i + 1));
            ReadOnlySpan<int> shape = _shapes.Shape(i);
            switch (_architecture.Layers[i])
            {
                case Conv2dLayer conv:
                    FloatKernels.Conv2d(current, conv.InChannels, shape[1], shape[2], _weights[i]!, _biases[i]!, conv.OutChannels, conv.KernelSize, _patches, next);
                    current = next;
                    break;
                case LinearLayer:
                    FloatKernels.Linear(current, _weights[i]!, _biases[i]!, next);
                    current = next;
                    break;
                case ReluLayer:
                    TensorPrimitives.Max(current, 0f, next);
                    current = next;
                    break;
                case MaxPool2dLayer pool:
                    FloatKernels.MaxPool2d(current, shape[0], shape[1], shape[2], pool.KernelSize, next);
                    current = next;
                    break;
                case DropoutLayer or FlattenLayer:
                    break; // Identity at inference; flatten keeps the CHW order.
                default:
                    throw new NotSupportedException($"Layer {i} ({_architecture.Layers[i].ToText()}) has no FP32 reference kernel.");
            }
            observer?.Observe(i + 1, current);
        }
        return current;
    }
}
