namespace Federated.SecureAggregation;

/// <summary>Which secret of its owner a revealed share belongs to. A client reveals one kind per owner, never both.</summary>
public enum RevealedShareKind
{
    /// <summary>A share of the owner's self-mask seed b (the owner sent a masked input).</summary>
    SelfMaskSeed = 0,

    /// <summary>A share of the owner's mask private key s^SK (the owner dropped after sharing keys).</summary>
    MaskPrivateKey = 1,
}
