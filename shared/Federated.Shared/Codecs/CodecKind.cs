namespace Federated.Shared.Codecs;

/// <summary>
/// How parameter values travel. The numeric value is the codec id written into encoded payloads
/// (see <see cref="ParameterCodec"/>), so existing members must never be renumbered.
/// </summary>
#pragma warning disable CA1720 // "Int8" names the quantization the field calls INT8, not the type.
public enum CodecKind : byte
{
    /// <summary>IEEE 754 binary32, bit-exact. Every side supports it; it is the negotiation fallback.</summary>
    Fp32 = 0,

    /// <summary>IEEE 754-2008 binary16 (round to nearest even): relative error ≤ 2⁻¹¹ in the normal range, |x| ≤ 65504.</summary>
    Fp16 = 1,

    /// <summary>
    /// Symmetric per-output-channel INT8: one float32 scale per slice along axis 0 (a 1-D or scalar
    /// tensor is one channel), scale = max|x| / 127, q = round-to-nearest(x / scale) in [−127, 127].
    /// Error ≤ scale / 2 per element.
    /// </summary>
    Int8 = 2,

    /// <summary>
    /// The same scales as <see cref="Int8"/> with stochastic rounding, q = ⌊x / scale + u⌋, u ~ U[0, 1)
    /// from a seeded generator, so E[decode(encode(x))] = x (Gupta et al. 2015, "Deep Learning with
    /// Limited Numerical Precision"). Error &lt; scale per element.
    /// </summary>
    Int8Stochastic = 3,
}
#pragma warning restore CA1720
