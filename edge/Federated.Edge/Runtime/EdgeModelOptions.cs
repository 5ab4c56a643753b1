using Microsoft.ML.OnnxRuntime;

namespace Federated.Edge.Runtime;

/// <summary>How an <see cref="EdgeModel"/> runs. Defaults: ONNX Runtime's thread count and every graph optimization.</summary>
public sealed class EdgeModelOptions
{
    /// <summary>Threads inside one operator; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// Graph optimizations ONNX Runtime applies at load. <see cref="GraphOptimizationLevel.ORT_ENABLE_ALL"/>
    /// is what turns a QDQ model into integer kernels (QLinearConv, QGemm) and fuses float ops.
    /// </summary>
    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    internal static EdgeModelOptions Default { get; } = new();

    internal void Validate()
    {
        if (IntraOpThreads < 0)
            throw new ArgumentException($"{nameof(IntraOpThreads)} is {IntraOpThreads}; use 0 for ONNX Runtime's default or a positive count.", nameof(IntraOpThreads));
    }
}
