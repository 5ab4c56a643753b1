using System.Globalization;
using System.Text;
using Federated.Edge.Quantization;

namespace Federated.Edge.CodeGen;

/// <summary>
/// What a generated model costs on a microcontroller. Flash counts the generated constant data
/// (weights, biases, multipliers, shifts, look-up tables, the layer table) for a 32-bit target;
/// the runtime's code is extra (a few KB). RAM counts the arena plus the caller's input and output
/// buffers; the stack is extra (the runtime's frames are small and fixed).
/// </summary>
public sealed record CModelReport(
    long FlashBytes,
    int ArenaBytes,
    int InputBytes,
    int OutputBytes,
    long Macs,
    ActivationQuantization OutputQuantization,
    IReadOnlyList<CLayerReport> Layers)
{
    public long RamBytes => (long)ArenaBytes + InputBytes + OutputBytes;

    public string ToText()
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"flash bytes      {FlashBytes,12:N0}");
        text.AppendLine(inv, $"arena bytes      {ArenaBytes,12:N0}");
        text.AppendLine(inv, $"ram bytes        {RamBytes,12:N0}  (arena + input {InputBytes:N0} + output {OutputBytes:N0})");
        text.AppendLine(inv, $"MACs/inference   {Macs,12:N0}");
        foreach (var layer in Layers)
            text.AppendLine(inv, $"  {layer.Kind,-22} out [{string.Join('x', layer.OutputShape)}]  MACs {layer.Macs:N0}  flash {layer.FlashBytes:N0}");
        return text.ToString();
    }
}

/// <summary>One row of the generated layer table.</summary>
/// <param name="Kind">What it computes, e.g. <c>conv2d 1 32 3 + relu</c>.</param>
/// <param name="OutputShape">Channels, height, width (a vector is n×1×1).</param>
public sealed record CLayerReport(string Kind, int[] OutputShape, long Macs, long FlashBytes);
