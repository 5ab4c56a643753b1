namespace Federated.Shared.Models;

/// <summary>
/// One layer of a <see cref="ModelArchitecture"/>. The set is deliberately small: every
/// backend (TorchSharp, the managed trainer, the ONNX exporter, the C code generator) must
/// understand each kind, with PyTorch's semantics.
/// </summary>
public abstract record LayerSpec
{
    /// <summary>The layer's keyword in the architecture text.</summary>
    public abstract string Keyword { get; }

    /// <summary>The layer's text form, without the keyword's neighbours: <c>conv2d 1 32 3</c>.</summary>
    public abstract string ToText();

    /// <summary>The shape that leaves the layer, given the shape that enters it (no batch axis).</summary>
    public abstract int[] OutputShape(ReadOnlySpan<int> input);

    /// <summary>Trainable tensors as (suffix, shape); the model names them <c>{index}.{suffix}</c>.</summary>
    public virtual IReadOnlyList<(string Suffix, int[] Shape)> Parameters => [];

    protected static InvalidOperationException ShapeError(string layer, ReadOnlySpan<int> input, string expected) =>
        new($"Layer '{layer}' cannot take input of shape [{string.Join('x', input.ToArray())}]: {expected}.");
}

/// <summary>2-D convolution, stride 1, no padding (PyTorch <c>nn.Conv2d(in, out, k)</c>).</summary>
public sealed record Conv2dLayer(int InChannels, int OutChannels, int KernelSize) : LayerSpec
{
    public override string Keyword => "conv2d";

    public override string ToText() => $"conv2d {InChannels} {OutChannels} {KernelSize}";

    public override int[] OutputShape(ReadOnlySpan<int> input)
    {
        if (input.Length != 3 || input[0] != InChannels || input[1] < KernelSize || input[2] < KernelSize)
            throw ShapeError(ToText(), input, $"expects {InChannels}xHxW with H, W >= {KernelSize}");
        return [OutChannels, input[1] - KernelSize + 1, input[2] - KernelSize + 1];
    }

    public override IReadOnlyList<(string Suffix, int[] Shape)> Parameters =>
        [("weight", [OutChannels, InChannels, KernelSize, KernelSize]), ("bias", [OutChannels])];
}

/// <summary>Fully connected layer (PyTorch <c>nn.Linear(in, out)</c>).</summary>
public sealed record LinearLayer(int InFeatures, int OutFeatures) : LayerSpec
{
    public override string Keyword => "linear";

    public override string ToText() => $"linear {InFeatures} {OutFeatures}";

    public override int[] OutputShape(ReadOnlySpan<int> input)
    {
        if (input.Length != 1 || input[0] != InFeatures)
            throw ShapeError(ToText(), input, $"expects a flat vector of {InFeatures} features");
        return [OutFeatures];
    }

    public override IReadOnlyList<(string Suffix, int[] Shape)> Parameters =>
        [("weight", [OutFeatures, InFeatures]), ("bias", [OutFeatures])];
}

/// <summary>Rectified linear unit.</summary>
public sealed record ReluLayer : LayerSpec
{
    public override string Keyword => "relu";

    public override string ToText() => "relu";

    public override int[] OutputShape(ReadOnlySpan<int> input) => input.ToArray();
}

/// <summary>Max pooling with a square window and stride equal to the window.</summary>
public sealed record MaxPool2dLayer(int KernelSize) : LayerSpec
{
    public override string Keyword => "maxpool2d";

    public override string ToText() => $"maxpool2d {KernelSize}";

    public override int[] OutputShape(ReadOnlySpan<int> input)
    {
        if (input.Length != 3 || input[1] < KernelSize || input[2] < KernelSize)
            throw ShapeError(ToText(), input, $"expects CxHxW with H, W >= {KernelSize}");
        return [input[0], input[1] / KernelSize, input[2] / KernelSize];
    }
}

/// <summary>Dropout with drop probability <see cref="Probability"/> during training; identity at inference.</summary>
public sealed record DropoutLayer(double Probability) : LayerSpec
{
    public override string Keyword => "dropout";

    public override string ToText() => FormattableString.Invariant($"dropout {Probability}");

    public override int[] OutputShape(ReadOnlySpan<int> input) => input.ToArray();
}

/// <summary>Flattens every axis but the batch axis.</summary>
public sealed record FlattenLayer : LayerSpec
{
    public override string Keyword => "flatten";

    public override string ToText() => "flatten";

    public override int[] OutputShape(ReadOnlySpan<int> input)
    {
        int count = 1;
        foreach (int dim in input) count = checked(count * dim);
        return [count];
    }
}
