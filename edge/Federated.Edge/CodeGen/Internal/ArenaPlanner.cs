namespace Federated.Edge.CodeGen.Internal;

/// <summary>
/// Places a chain's intermediate tensors in one arena: they alternate between the arena's bottom
/// (offset 0) and its top (end-aligned), so each op's input and output never overlap and the arena
/// is the largest sum of two consecutive tensors, the least a chain needs without in-place ops.
/// The first op reads the caller's input and the last writes the caller's output.
/// </summary>
internal static class ArenaPlanner
{
    public const int ModelInput = -1;
    public const int ModelOutput = -2;

    /// <summary>Returns each op's (input, output) location and the arena size.</summary>
    public static ((int Input, int Output)[] Locations, int ArenaBytes) Plan(IReadOnlyList<RuntimeOp> ops)
    {
        int count = ops.Count;
        // Tensor t (1 <= t < count) is op t-1's output and op t's input; its size is ops[t-1].OutputSize.
        long arena = 0;
        for (int t = 1; t < count; t++)
        {
            long pair = ops[t - 1].OutputSize + (t + 1 < count ? ops[t].OutputSize : 0);
            arena = Math.Max(arena, pair);
        }
        if (arena > int.MaxValue)
            throw new ArgumentException($"The model's arena would need {arena} bytes, more than a 32-bit runtime can address.");
        int size = (int)arena;
        var offsets = new int[count + 1];
        offsets[0] = ModelInput;
        offsets[count] = ModelOutput;
        for (int t = 1; t < count; t++)
            offsets[t] = t % 2 == 1 ? 0 : size - ops[t - 1].OutputSize;
        var locations = new (int, int)[count];
        for (int k = 0; k < count; k++) locations[k] = (offsets[k], offsets[k + 1]);
        return (locations, size);
    }
}
