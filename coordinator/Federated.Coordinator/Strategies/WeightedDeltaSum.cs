using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.InteropServices;

namespace Federated.Coordinator.Strategies;

/// <summary>
/// The running sum Σ n_k Δ_k and Σ n_k of FedAvg (McMahan et al. 2017), in O(model) memory; the
/// example-weighted mean of the deltas is the pseudo-gradient of the server optimizers.
/// </summary>
internal sealed class WeightedDeltaSum
{
    private readonly float[] _sum;
    private double _totalExamples;

    public WeightedDeltaSum(int length)
        : this(new float[length])
    {
    }

    /// <summary>Sums into <paramref name="zeroed"/>, which must hold zeros.</summary>
    public WeightedDeltaSum(float[] zeroed)
    {
        ArgumentNullException.ThrowIfNull(zeroed);
        _sum = zeroed;
    }

    public int Count { get; private set; }

    public double TotalExamples => _totalExamples;

    public int Length => _sum.Length;

    /// <summary>Σ n_k Δ_k so far.</summary>
    public Span<float> Sum => _sum;

    /// <summary>The array behind <see cref="Sum"/>, for a caller that turns the sum into a result in place and keeps it.</summary>
    public float[] Array => _sum;

    public void Add(ReadOnlySpan<float> delta, long exampleCount)
    {
        if (delta.Length != _sum.Length)
            throw new ArgumentException($"The update has {delta.Length} values; the model has {_sum.Length}.", nameof(delta));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exampleCount);
        // sum += n_k · Δ_k in one SIMD pass (fused where the CPU fuses; emulating a fused multiply-add is slow).
        if (Vector256.IsHardwareAccelerated && Fma.IsSupported) FoldUnrolled(delta, exampleCount, _sum);
        else TensorPrimitives.MultiplyAdd(delta, (float)exampleCount, _sum, _sum);
        _totalExamples += exampleCount;
        Count++;
    }

    /// <summary>
    /// The fold as four independent fused multiply-add streams per step: the sum is read and written
    /// once per update (it stays in L3 for models of this size), so keeping more loads in flight and
    /// fewer instructions per element matters. On the 100-update CNN benchmark this runs at about 0.8
    /// of a plain read of the updates, against 0.7 with separate multiply and add and 0.5 for
    /// TensorPrimitives.MultiplyAdd.
    /// </summary>
    private static void FoldUnrolled(ReadOnlySpan<float> delta, float weight, Span<float> sum)
    {
        ref float source = ref MemoryMarshal.GetReference(delta);
        ref float target = ref MemoryMarshal.GetReference(sum);
        var w = Vector256.Create(weight);
        int i = 0;
        for (; i + 32 <= delta.Length; i += 32)
        {
            nuint a = (nuint)i, b = a + 8, c = a + 16, d = a + 24;
            Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref source, a), w, Vector256.LoadUnsafe(ref target, a)).StoreUnsafe(ref target, a);
            Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref source, b), w, Vector256.LoadUnsafe(ref target, b)).StoreUnsafe(ref target, b);
            Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref source, c), w, Vector256.LoadUnsafe(ref target, c)).StoreUnsafe(ref target, c);
            Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref source, d), w, Vector256.LoadUnsafe(ref target, d)).StoreUnsafe(ref target, d);
        }
        TensorPrimitives.FusedMultiplyAdd(delta[i..], weight, sum[i..], sum[i..]);
    }
}
