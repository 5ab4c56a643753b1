namespace Federated.Shared.Models;

/// <summary>The architectures that ship with Federated, by name.</summary>
public static class ModelZoo
{
    /// <summary>
    /// PyTorch's MNIST example CNN, the field's reference for (Fashion-)MNIST federations:
    /// conv(1→32,3) ReLU, conv(32→64,3) ReLU, maxpool 2, dropout 0.25, flatten, fc(9216→128) ReLU,
    /// dropout 0.5, fc(128→10). 1,199,882 parameters.
    /// </summary>
    public static ModelArchitecture Cnn() => new(
        [1, 28, 28],
        [
            new Conv2dLayer(1, 32, 3), new ReluLayer(),
            new Conv2dLayer(32, 64, 3), new ReluLayer(),
            new MaxPool2dLayer(2), new DropoutLayer(0.25),
            new FlattenLayer(),
            new LinearLayer(9216, 128), new ReluLayer(), new DropoutLayer(0.5),
            new LinearLayer(128, 10),
        ]);

    /// <summary>A two-hidden-layer perceptron over flattened inputs (McMahan et al. 2017's "2NN" uses 200 units).</summary>
    public static ModelArchitecture Mlp(int inputFeatures = 784, int classes = 10, int hidden = 200) => new(
        [inputFeatures],
        [new LinearLayer(inputFeatures, hidden), new ReluLayer(), new LinearLayer(hidden, hidden), new ReluLayer(), new LinearLayer(hidden, classes)]);

    /// <summary>Multinomial logistic regression for tabular data.</summary>
    public static ModelArchitecture LogisticRegression(int inputFeatures, int classes) => new(
        [inputFeatures],
        [new LinearLayer(inputFeatures, classes)]);

    /// <summary>Resolves a zoo name (<c>cnn</c>, <c>mlp</c>) or an architecture's canonical text.</summary>
    public static ModelArchitecture Resolve(string nameOrText)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrText);
        return nameOrText.Trim().ToLowerInvariant() switch
        {
            "cnn" => Cnn(),
            "mlp" => Mlp(),
            _ when nameOrText.TrimStart().StartsWith("input ", StringComparison.Ordinal) => ModelArchitecture.Parse(nameOrText),
            _ => throw new ArgumentException($"Unknown model '{nameOrText}'. Use 'cnn', 'mlp', or an architecture text such as 'input 4; linear 4 3'.", nameof(nameOrText)),
        };
    }
}
