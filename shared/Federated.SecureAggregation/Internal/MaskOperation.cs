using System.Runtime.Intrinsics;

namespace Federated.SecureAggregation;

/// <summary>
/// What a mask stream does to its target words mod 2^32: added by the client that owns the mask,
/// subtracted by its partner or by the coordinator. A type argument, so the keystream loops inline it.
/// </summary>
internal interface IMaskOperation
{
    static abstract uint Apply(uint target, uint mask);

    static abstract Vector128<uint> Apply(Vector128<uint> target, Vector128<uint> mask);
}

internal readonly struct AddMask : IMaskOperation
{
    public static uint Apply(uint target, uint mask) => unchecked(target + mask);

    public static Vector128<uint> Apply(Vector128<uint> target, Vector128<uint> mask) => target + mask;
}

internal readonly struct SubtractMask : IMaskOperation
{
    public static uint Apply(uint target, uint mask) => unchecked(target - mask);

    public static Vector128<uint> Apply(Vector128<uint> target, Vector128<uint> mask) => target - mask;
}
