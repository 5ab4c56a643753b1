using Federated.Edge.Quantization;

namespace Federated.Edge.CodeGen.Internal;

/// <summary>
/// The look-up table of the runtime's integer softmax (<c>edge/runtime/src/fed_softmax.c</c>):
/// entry d is <c>round(2^16 · exp(−d · inputScale))</c> for the difference d = max − x ∈ [0, 255].
/// Computed here, once, so that inference needs no floating point.
/// </summary>
internal static class SoftmaxTable
{
    /// <summary>TFLite's fixed int8 softmax output quantization: probabilities in steps of 1/256.</summary>
    public static ActivationQuantization Output => new(1f / 256, -128);

    public static uint[] Build(float inputScale)
    {
        var table = new uint[256];
        for (int d = 0; d < table.Length; d++)
            table[d] = (uint)Math.Round(65536.0 * Math.Exp(-d * (double)inputScale), MidpointRounding.AwayFromZero);
        return table;
    }
}
