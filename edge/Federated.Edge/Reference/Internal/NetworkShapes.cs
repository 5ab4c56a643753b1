using Federated.Shared.Models;

namespace Federated.Edge.Reference.Internal;

/// <summary>
/// The shape of every activation of an architecture (entry 0: the input, entry <c>i + 1</c>: the
/// output of layer <c>i</c>, no batch axis) and the scratch sizes a forward pass needs, so engines
/// allocate once and run without allocating.
/// </summary>
internal sealed class NetworkShapes
{
    private readonly int[][] _shapes;
    private readonly int[] _lengths;

    public NetworkShapes(ModelArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        int layers = architecture.Layers.Count;
        _shapes = new int[layers + 1][];
        _lengths = new int[layers + 1];
        _shapes[0] = architecture.InputShape.ToArray();
        _lengths[0] = architecture.InputLength;
        int largest = _lengths[0];
        int patches = 0;
        for (int i = 0; i < layers; i++)
        {
            _shapes[i + 1] = architecture.Layers[i].OutputShape(_shapes[i]);
            int length = 1;
            foreach (int dim in _shapes[i + 1]) length = checked(length * dim);
            _lengths[i + 1] = length;
            largest = Math.Max(largest, length);
            if (architecture.Layers[i] is Conv2dLayer conv)
            {
                // im2col: one row of in·k·k values per output position.
                int positions = _shapes[i + 1][1] * _shapes[i + 1][2];
                patches = Math.Max(patches, checked(positions * conv.InChannels * conv.KernelSize * conv.KernelSize));
            }
        }
        LargestActivation = largest;
        LargestPatchMatrix = patches;
    }

    /// <summary>Shape of activation <paramref name="index"/> (0: input, <c>i + 1</c>: output of layer <c>i</c>).</summary>
    public ReadOnlySpan<int> Shape(int index) => _shapes[index];

    /// <summary>Number of values in activation <paramref name="index"/>.</summary>
    public int Length(int index) => _lengths[index];

    /// <summary>The largest activation, in values: the size of each ping-pong buffer.</summary>
    public int LargestActivation { get; }

    /// <summary>The largest im2col matrix of the conv layers, in values (0 without conv layers).</summary>
    public int LargestPatchMatrix { get; }
}
