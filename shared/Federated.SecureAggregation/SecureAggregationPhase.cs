namespace Federated.SecureAggregation;

/// <summary>
/// The rounds of the semi-honest protocol of Bonawitz et al. 2017 (§4, Figure 4 without the
/// consistency check), in the order both sides walk them, plus the two terminal states.
/// </summary>
public enum SecureAggregationPhase
{
    /// <summary>Round 0: each client advertises two X25519 public keys.</summary>
    AdvertiseKeys = 0,

    /// <summary>Round 1: each client sends encrypted Shamir shares of its secrets to its neighbours.</summary>
    ShareKeys = 1,

    /// <summary>Round 2: each client sends its masked, fixed-point-encoded input.</summary>
    MaskedInput = 2,

    /// <summary>Round 3: survivors reveal the shares that remove the masks.</summary>
    Unmasking = 3,

    /// <summary>The sum has been produced (server) or the shares revealed (client).</summary>
    Completed = 4,

    /// <summary>The round stopped without revealing anything; see the recorded reason.</summary>
    Aborted = 5,
}
