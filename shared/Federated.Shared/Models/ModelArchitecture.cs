using System.Globalization;
using System.Text;
using Federated.Shared.Parameters;

namespace Federated.Shared.Models;

/// <summary>
/// A feed-forward model as a list of layers over an input shape (no batch axis). It has one
/// canonical text form, e.g. <c>input 1x28x28; conv2d 1 32 3; relu; flatten; linear 21632 10</c>,
/// which travels in tasks and model files so every backend builds the same network.
/// Parameters are named <c>{layerIndex}.{weight|bias}</c>, as PyTorch's <c>nn.Sequential</c> does.
/// </summary>
public sealed class ModelArchitecture : IEquatable<ModelArchitecture>
{
    private readonly int[] _inputShape;
    private readonly LayerSpec[] _layers;

    public ModelArchitecture(ReadOnlySpan<int> inputShape, IEnumerable<LayerSpec> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (inputShape.IsEmpty)
            throw new ArgumentException("The input shape needs at least one dimension.", nameof(inputShape));
        foreach (int dim in inputShape)
        {
            if (dim <= 0)
                throw new ArgumentException($"Input shape [{string.Join('x', inputShape.ToArray())}] has a non-positive dimension.", nameof(inputShape));
        }
        _inputShape = inputShape.ToArray();
        _layers = layers.ToArray();
        if (_layers.Length == 0)
            throw new ArgumentException("An architecture needs at least one layer.", nameof(layers));

        int[] shape = _inputShape;
        for (int i = 0; i < _layers.Length; i++)
        {
            try
            {
                shape = _layers[i].OutputShape(shape);
            }
            catch (InvalidOperationException e)
            {
                throw new ArgumentException($"Layer {i} ({_layers[i].ToText()}) does not fit: {e.Message}", nameof(layers), e);
            }
        }
        if (shape.Length != 1)
            throw new ArgumentException($"The last layer must produce a flat vector of class scores, not shape [{string.Join('x', shape)}].", nameof(layers));
        OutputCount = shape[0];
        Layout = BuildLayout(_layers);
    }

    public ReadOnlySpan<int> InputShape => _inputShape;

    /// <summary>Number of input values per example.</summary>
    public int InputLength
    {
        get
        {
            int count = 1;
            foreach (int dim in _inputShape) count *= dim;
            return count;
        }
    }

    public IReadOnlyList<LayerSpec> Layers => _layers;

    /// <summary>Number of outputs (class scores) per example.</summary>
    public int OutputCount { get; }

    /// <summary>The parameter layout every backend must produce for this architecture.</summary>
    public ParameterLayout Layout { get; }

    public string ToCanonicalString()
    {
        var text = new StringBuilder("input ").AppendJoin('x', _inputShape);
        foreach (var layer in _layers) text.Append("; ").Append(layer.ToText());
        return text.ToString();
    }

    public override string ToString() => ToCanonicalString();

    /// <summary>Parses the canonical text form. Errors name the offending part.</summary>
    public static ModelArchitecture Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || !parts[0].StartsWith("input ", StringComparison.Ordinal))
            throw new FormatException($"An architecture starts with 'input CxHxW' followed by layers separated by ';', got '{text}'.");

        string[] dims = parts[0]["input ".Length..].Trim().Split('x');
        var input = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++) input[i] = ParseInt(dims[i], parts[0]);

        var layers = new LayerSpec[parts.Length - 1];
        for (int i = 1; i < parts.Length; i++) layers[i - 1] = ParseLayer(parts[i]);
        try
        {
            return new ModelArchitecture(input, layers);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"Architecture '{text}' is not consistent: {e.Message}", e);
        }
    }

    private static LayerSpec ParseLayer(string part)
    {
        string[] words = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words[0] switch
        {
            "conv2d" when words.Length == 4 => new Conv2dLayer(ParseInt(words[1], part), ParseInt(words[2], part), ParseInt(words[3], part)),
            "linear" when words.Length == 3 => new LinearLayer(ParseInt(words[1], part), ParseInt(words[2], part)),
            "maxpool2d" when words.Length == 2 => new MaxPool2dLayer(ParseInt(words[1], part)),
            "dropout" when words.Length == 2 => new DropoutLayer(ParseProbability(words[1], part)),
            "relu" when words.Length == 1 => new ReluLayer(),
            "flatten" when words.Length == 1 => new FlattenLayer(),
            "conv2d" or "linear" or "maxpool2d" or "dropout" or "relu" or "flatten" =>
                throw new FormatException($"Layer '{part}' has the wrong number of arguments."),
            _ => throw new FormatException($"Unknown layer '{words[0]}' in '{part}'. Known: conv2d, linear, maxpool2d, dropout, relu, flatten."),
        };
    }

    private static int ParseInt(string word, string context) =>
        int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new FormatException($"'{word}' in '{context}' is not a positive integer.");

    private static double ParseProbability(string word, string context) =>
        double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value is >= 0 and < 1
            ? value
            : throw new FormatException($"'{word}' in '{context}' is not a probability in [0, 1).");

    private static ParameterLayout BuildLayout(LayerSpec[] layers)
    {
        var tensors = new List<TensorSpec>();
        for (int i = 0; i < layers.Length; i++)
        {
            foreach (var (suffix, shape) in layers[i].Parameters)
                tensors.Add(new TensorSpec(string.Create(CultureInfo.InvariantCulture, $"{i}.{suffix}"), shape));
        }
        return new ParameterLayout(tensors);
    }

    public bool Equals(ModelArchitecture? other) =>
        other is not null && ToCanonicalString() == other.ToCanonicalString();

    public override bool Equals(object? obj) => Equals(obj as ModelArchitecture);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToCanonicalString());
}
