using System.Text.RegularExpressions;

namespace Federated.Edge.CodeGen;

/// <summary>Options of <see cref="CGenerator"/>. Defaults in one place; <see cref="Validate"/> runs in Generate.</summary>
public sealed partial class CGeneratorOptions
{
    /// <summary>
    /// The model's C name: files <c>{Name}_data.h/.c</c>, the <c>const fed_model {Name}</c> and macros
    /// <c>{NAME}_ARENA_SIZE</c> etc. Lower-case letters, digits and underscores, starting with a letter.
    /// </summary>
    public string Name { get; set; } = "model";

    /// <summary>Fail when the model's flash footprint (weights, parameters, layer table) exceeds this many bytes.</summary>
    public long? FlashBudgetBytes { get; set; }

    /// <summary>Fail when the RAM the model needs (arena plus the caller's input and output buffers) exceeds this many bytes.</summary>
    public long? RamBudgetBytes { get; set; }

    /// <summary>
    /// Append an integer softmax after the last layer: outputs become probabilities with scale 1/256
    /// and zero point −128 instead of logits.
    /// </summary>
    public bool AppendSoftmax { get; set; }

    /// <summary>
    /// Also emit each layer's bias without the input zero point folded in (<c>raw_bias</c>), which
    /// only the reference loops (<c>edge/runtime/reference</c>, a benchmark baseline) read.
    /// </summary>
    public bool IncludeReferenceBias { get; set; }

    internal string MacroPrefix => Name.ToUpperInvariant();

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Name is null || !NamePattern().IsMatch(Name))
            throw new ArgumentException($"{nameof(Name)} '{Name}' is not a valid model name: use lower-case letters, digits and '_', starting with a letter (at most 32 characters).", nameof(Name));
        if (FlashBudgetBytes is <= 0)
            throw new ArgumentException($"{nameof(FlashBudgetBytes)} must be positive, got {FlashBudgetBytes}.", nameof(FlashBudgetBytes));
        if (RamBudgetBytes is <= 0)
            throw new ArgumentException($"{nameof(RamBudgetBytes)} must be positive, got {RamBudgetBytes}.", nameof(RamBudgetBytes));
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,31}$")]
    private static partial Regex NamePattern();
}
