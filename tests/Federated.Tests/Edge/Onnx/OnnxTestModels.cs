using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Tests.Data;

namespace Federated.Tests.Edge.Onnx;

/// <summary>
/// Models and data the ONNX tests share: seeded random parameters for parity checks; where class
/// margins matter (INT8 vs FP32 agreement) the edge tests' trained models (<see cref="TrainedModels"/>).
/// </summary>
internal static class OnnxTestModels
{
    /// <summary>Test images used by the ONNX tests (the first of the Fashion-MNIST test set).</summary>
    public const int TestCount = 256;

    private static readonly Lazy<LabeledDataset> LazyTest = new(() => FashionMnistData.Test.Take(TestCount));

    public static LabeledDataset Test => LazyTest.Value;

    /// <summary>Training images neither trained model saw, for activation ranges (the shared edge fixture's).</summary>
    public static LabeledDataset Calibration => TrainedModels.CalibrationSet;

    public static ParameterBuffer Random(ModelArchitecture architecture, int seed = 11) => ParameterInitializer.Initialize(architecture, seed);
}
