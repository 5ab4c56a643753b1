using Federated.Edge.CodeGen;
using Federated.Edge.Quantization;
using Federated.Edge.Reference;
using Federated.Shared.Data;

namespace Federated.Tests.Edge.Native;

/// <summary>
/// The shared trained MLP and CNN (<see cref="TrainedModels"/>), quantized once with
/// <see cref="ModelQuantizer"/>, with a batch of test images and the <see cref="Int8Engine"/>'s
/// logits for it: the reference every C build must reproduce bit for bit.
/// </summary>
internal sealed class QuantizedTrainedModel
{
    private static readonly Lazy<QuantizedTrainedModel> LazyMlp = new(() => new QuantizedTrainedModel("mlp", TrainedModels.Mlp, 300));
    private static readonly Lazy<QuantizedTrainedModel> LazyCnn = new(() => new QuantizedTrainedModel("cnn", TrainedModels.Cnn, 64));

    private QuantizedTrainedModel(string name, TrainedModel trained, int images)
    {
        Name = name;
        Model = ModelQuantizer.Quantize(trained.Architecture, trained.Parameters, TrainedModels.CalibrationSet);
        var engine = new Int8Engine(Model);
        LabeledDataset test = TrainedModels.TestSubset.Take(images);
        Inputs = new sbyte[images * engine.InputLength];
        engine.QuantizeInput(test.Features, Inputs);
        Logits = new sbyte[images * engine.OutputCount];
        engine.RunBatch(Inputs.AsSpan(), Logits);
        Labels = test.Labels.ToArray();
        Generated = CGenerator.Generate(Model, new CGeneratorOptions { Name = name });
    }

    public static QuantizedTrainedModel Get(string name) => name switch
    {
        "mlp" => LazyMlp.Value,
        "cnn" => LazyCnn.Value,
        _ => throw new ArgumentException($"No trained model '{name}'.", nameof(name)),
    };

    public string Name { get; }

    public QuantizedModel Model { get; }

    public CGenerationResult Generated { get; }

    /// <summary>Quantized test images, one after another.</summary>
    public sbyte[] Inputs { get; }

    /// <summary>The Int8Engine's logits for <see cref="Inputs"/>, one row per image.</summary>
    public sbyte[] Logits { get; }

    public int[] Labels { get; }

    public int Count => Labels.Length;

    public int OutputCount => Model.Architecture.OutputCount;

    public ReadOnlySpan<sbyte> ExpectedLogits(int image) => Logits.AsSpan(image * OutputCount, OutputCount);

    /// <summary>Writes the model's C files and a batch of the first <paramref name="images"/> inputs into a new directory.</summary>
    public string WriteBuildDirectory(string tag, int images)
    {
        string directory = NativeToolchain.NewWorkDirectory(tag + "-" + Name);
        Generated.WriteTo(directory);
        int size = Model.Architecture.InputLength;
        File.WriteAllText(Path.Combine(directory, CBatchSource.FileName), CBatchSource.Generate(Generated, Inputs.AsSpan(0, images * size)));
        return directory;
    }
}
