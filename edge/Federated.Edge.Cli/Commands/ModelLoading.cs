using Federated.Edge.Export;
using Federated.Edge.Runtime;

namespace Federated.Edge.Cli.Commands;

/// <summary>Opens what <c>--model</c> names for ONNX Runtime: an ONNX file, or a Federated model file exported to FP32 ONNX in memory.</summary>
internal static class ModelLoading
{
    public static byte[] OnnxBytes(string path)
    {
        if (!ModelFiles.IsFederatedModel(path)) return ModelFiles.ReadOnnx(path);
        var snapshot = ModelFiles.ReadSnapshot(path);
        return OnnxExporter.ExportFloat(snapshot, new OnnxExportOptions { Round = snapshot.Round, ContentHash = snapshot.ContentHash });
    }

    /// <param name="exactX64Int8">See <see cref="EdgeModelOptions.ExactX64Int8"/>: off trades exactness on x64 CPUs without VNNI for speed.</param>
    public static EdgeModel Load(string path, int threads, bool exactX64Int8 = true) =>
        EdgeModel.Load(OnnxBytes(path), new EdgeModelOptions { IntraOpThreads = threads, ExactX64Int8 = exactX64Int8 }, $"model '{path}'");
}
