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

    /// <summary>
    /// Exact INT8 matrix products on x86-64 CPUs without VNNI (ONNX Runtime's <c>session.x64quantprecision</c>).
    /// There ONNX Runtime's default u8×s8 kernels sum pairs of products with <c>VPMADDUBSW</c> in saturating
    /// 16-bit arithmetic (255·127·2 overflows), so full-range int8 weights give wrong sums; this option makes
    /// it use u8×u8 kernels instead, slower but exact, so x64 computes what ARM64 and the C runtime compute.
    /// No effect on other CPUs. Default on.
    /// </summary>
    public bool ExactX64Int8 { get; init; } = true;

    internal static EdgeModelOptions Default { get; } = new();

    internal void Validate()
    {
        if (IntraOpThreads < 0)
            throw new ArgumentException($"{nameof(IntraOpThreads)} is {IntraOpThreads}; use 0 for ONNX Runtime's default or a positive count.", nameof(IntraOpThreads));
    }
}
