using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Tests.Data;

namespace Federated.Tests.Edge.Onnx;

/// <summary>
/// Models and data the ONNX tests share, built once per run: seeded random parameters for parity
/// checks, and briefly trained ones (TorchSharp, a few hundred Adam steps' worth of examples) where
/// class margins matter, as in INT8 vs FP32 agreement.
/// </summary>
internal static class OnnxTestModels
{
    /// <summary>Test images used by the ONNX tests (the first of the Fashion-MNIST test set).</summary>
    public const int TestCount = 256;

    private static readonly Lazy<LabeledDataset> LazyTest = new(() => FashionMnistData.Test.Take(TestCount));
    private static readonly Lazy<LabeledDataset> LazyCalibration = new(() => FashionMnistData.Train.Take(256));
    private static readonly Lazy<ParameterBuffer> LazyTrainedCnn = new(() => TorchReference.Train(ModelZoo.Cnn(), FashionMnistData.Train, 1536, seed: 3));
    private static readonly Lazy<ParameterBuffer> LazyTrainedMlp = new(() => TorchReference.Train(ModelZoo.Mlp(), FashionMnistData.Train, 4096, seed: 5));

    public static LabeledDataset Test => LazyTest.Value;

    /// <summary>Training images, never the test ones, for activation ranges.</summary>
    public static LabeledDataset Calibration => LazyCalibration.Value;

    public static ParameterBuffer TrainedCnn => LazyTrainedCnn.Value;

    public static ParameterBuffer TrainedMlp => LazyTrainedMlp.Value;

    public static ParameterBuffer Random(ModelArchitecture architecture, int seed = 11) => ParameterInitializer.Initialize(architecture, seed);
}
