using System.Globalization;
using Federated.Edge.CodeGen.Internal;
using Federated.Edge.Quantization;

namespace Federated.Edge.CodeGen;

/// <summary>
/// Generates the C data of a quantized model for the INT8 runtime in <c>edge/runtime</c>:
/// <c>{name}_data.h</c> (sizes, quantization, the <c>fed_model</c> declaration) and <c>{name}_data.c</c>
/// (weights and per-channel parameters as const arrays, which a microcontroller keeps in flash,
/// and the layer table the runtime interprets), with a report of flash, arena and MACs.
/// </summary>
public static class CGenerator
{
    /// <summary>Bytes of one <c>fed_layer</c> row on a 32-bit target: 29 int32 fields and 6 pointers.</summary>
    public const int LayerRowBytes = 29 * 4 + 6 * 4;

    /// <summary>Bytes of the <c>fed_model</c> struct on a 32-bit target.</summary>
    public const int ModelStructBytes = 6 * 4;

    /// <exception cref="ModelBudgetExceededException">The model does not fit a budget in <paramref name="options"/>.</exception>
    public static CGenerationResult Generate(QuantizedModel model, CGeneratorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new CGeneratorOptions();
        options.Validate();

        var ops = ModelLowering.Lower(model, options.AppendSoftmax, options.IncludeReferenceBias);
        var (locations, arenaBytes) = ArenaPlanner.Plan(ops);
        int inputSize = model.Architecture.InputLength;
        int outputSize = ops[^1].OutputSize;
        var outputQuantization = options.AppendSoftmax ? SoftmaxTable.Output : model.Output;

        var layers = new List<CLayerReport>(ops.Count);
        long flash = ModelStructBytes;
        long macs = 0;
        foreach (var op in ops)
        {
            long opFlash = LayerRowBytes + DataBytes(op);
            flash += opFlash;
            macs += op.Macs;
            layers.Add(new CLayerReport(op.Description, [op.OutC, op.OutH, op.OutW], op.Macs, opFlash));
        }
        var report = new CModelReport(flash, arenaBytes, inputSize, outputSize, macs, outputQuantization, layers);
        CheckBudgets(options, report);

        string architecture = model.Architecture.ToCanonicalString();
        string headerFile = options.Name + "_data.h";
        string header = CSourceWriter.Header(options.Name, options.MacroPrefix, architecture, inputSize, outputSize, arenaBytes,
            flash, macs, model.Input, outputQuantization);
        string source = CSourceWriter.Source(options.Name, headerFile, architecture, ops, locations, inputSize, outputSize, arenaBytes);
        return new CGenerationResult(options.Name, headerFile, header, options.Name + "_data.c", source, report);
    }

    /// <summary>Const data of one op; the writer pads int8 weights to whole words.</summary>
    private static long DataBytes(RuntimeOp op)
    {
        long bytes = 0;
        if (op.Weights is not null) bytes += (op.Weights.Length + 3) / 4 * 4;
        if (op.FoldedBias is not null) bytes += 4L * op.FoldedBias.Length;
        if (op.RawBias is not null) bytes += 4L * op.RawBias.Length;
        if (op.Multipliers is not null) bytes += 4L * op.Multipliers.Length;
        if (op.Shifts is not null) bytes += 4L * op.Shifts.Length;
        if (op.ExpTable is not null) bytes += 4L * op.ExpTable.Length;
        return bytes;
    }

    private static void CheckBudgets(CGeneratorOptions options, CModelReport report)
    {
        var problems = new List<string>(2);
        if (options.FlashBudgetBytes is long flashBudget && report.FlashBytes > flashBudget)
            problems.Add(Over("flash", report.FlashBytes, flashBudget, nameof(CGeneratorOptions.FlashBudgetBytes)));
        if (options.RamBudgetBytes is long ramBudget && report.RamBytes > ramBudget)
            problems.Add(Over("RAM", report.RamBytes, ramBudget, nameof(CGeneratorOptions.RamBudgetBytes)));
        if (problems.Count > 0)
            throw new ModelBudgetExceededException($"Model '{options.Name}' does not fit: {string.Join("; ", problems)}.", report);
    }

    private static string Over(string what, long needed, long budget, string option) =>
        string.Create(CultureInfo.InvariantCulture,
            $"it needs {needed:N0} bytes of {what}, {needed - budget:N0} bytes over the {what} budget of {budget:N0} bytes ({option})");
}
