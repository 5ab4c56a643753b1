using Federated.Shared.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Federated.Torch;

/// <summary>Builds a TorchSharp module with exactly the parameters an architecture's layout names.</summary>
public static class TorchModelFactory
{
    /// <summary>
    /// A <c>Sequential</c> whose children are registered as "0", "1", ... by layer index, so
    /// <c>named_parameters()</c> yields "0.weight", "0.bias", "2.weight", ... — the names
    /// <see cref="ModelArchitecture.Layout"/> uses (PyTorch's <c>nn.Sequential</c> convention).
    /// The result is checked against the layout; a mismatch is a bug and throws.
    /// With a <paramref name="generator"/>, dropout layers draw from it instead of libtorch's
    /// process-wide generator (see <see cref="SeededDropout"/>); the caller keeps it alive.
    /// </summary>
    public static nn.Module<Tensor, Tensor> Create(ModelArchitecture architecture, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        var children = new (string, nn.Module<Tensor, Tensor>)[architecture.Layers.Count];
        for (int i = 0; i < children.Length; i++)
            children[i] = (i.ToString(System.Globalization.CultureInfo.InvariantCulture), CreateLayer(architecture.Layers[i], i, generator));
        var module = nn.Sequential(children);
        try
        {
            TorchParameters.MatchLayout(module, architecture.Layout);
        }
        catch
        {
            module.Dispose();
            throw;
        }
        return module;
    }

    private static nn.Module<Tensor, Tensor> CreateLayer(LayerSpec layer, int index, Generator? generator) => layer switch
    {
        Conv2dLayer conv => nn.Conv2d(conv.InChannels, conv.OutChannels, conv.KernelSize),
        LinearLayer linear => nn.Linear(linear.InFeatures, linear.OutFeatures),
        ReluLayer => nn.ReLU(),
        MaxPool2dLayer pool => nn.MaxPool2d(pool.KernelSize),
        DropoutLayer dropout when generator is not null => new SeededDropout(dropout.Probability, generator),
        DropoutLayer dropout => nn.Dropout(dropout.Probability),
        FlattenLayer => nn.Flatten(),
        _ => throw new NotSupportedException($"Layer {index} ({layer.ToText()}) has no TorchSharp counterpart."),
    };
}
