using System.Globalization;
using Federated.Protocol;
using Federated.Shared.Privacy;
using Federated.Shared.Training;

namespace Federated.Client.Privacy;

/// <summary>
/// The client's differential-privacy step on a trained update, as the task's <see cref="PrivacySpec"/>
/// asks, before the update is encoded or masked: clip to the L2 bound, then add Gaussian noise —
/// all of it for local DP, this client's share for distributed DP (so the securely aggregated sum
/// carries the full noise; the noise is added before masking), none for central DP (the coordinator
/// adds it to the aggregate). With central or distributed DP every update counts with weight 1
/// (DP-FedAvg's fixed weights, McMahan et al. 2018): an example count in the weight would scale the
/// update beyond the clip bound the noise is calibrated to. Local DP keeps the example weight, since
/// each update is already private on its own. One instance per client; not thread-safe.
/// </summary>
public sealed class UpdatePrivacy
{
    private readonly GaussianNoise _noise;

    /// <param name="seed">Seeds the noise (simulations only); null draws the generator's state from the OS's cryptographic generator.</param>
    public UpdatePrivacy(long? seed = null) => _noise = GaussianNoise.Create(seed);

    /// <summary>
    /// Applies <paramref name="spec"/> to <paramref name="fit"/>'s delta in place and returns the outcome to
    /// hand in (its example count is 1 under central and distributed DP), or <paramref name="fit"/> itself
    /// when the task asks for no privacy. <paramref name="withinClipNorm"/> says whether the update's norm
    /// was at most the bound before clipping (the bit adaptive clipping counts).
    /// </summary>
    /// <param name="masked">Whether the update leaves this client only through secure aggregation.</param>
    /// <exception cref="InvalidDataException">The spec cannot be applied, or asks for distributed DP on an update that would leave unmasked (the client reports the task as failed).</exception>
    public FitOutcome Apply(PrivacySpec? spec, FitOutcome fit, bool masked, out bool withinClipNorm)
    {
        ArgumentNullException.ThrowIfNull(fit);
        withinClipNorm = false;
        if (spec is null || spec.Mode == PrivacyMode.None) return fit;
        if (!(spec.ClipNorm > 0) || !double.IsFinite(spec.ClipNorm))
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"The task's privacy clip_norm {spec.ClipNorm} is not a positive number."));
        if (!(spec.ClientNoiseMultiplier >= 0) || !double.IsFinite(spec.ClientNoiseMultiplier))
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"The task's privacy client_noise_multiplier {spec.ClientNoiseMultiplier} is not a number >= 0."));
        if (spec.Mode is not (PrivacyMode.Local or PrivacyMode.Central or PrivacyMode.Distributed))
            throw new InvalidDataException($"The task asks for privacy mode {spec.Mode}, which this client does not know.");
        // A share of the noise protects nothing on its own: such an update may only leave inside a masked sum.
        if (spec.Mode == PrivacyMode.Distributed && !masked)
            throw new InvalidDataException("The task asks for distributed DP without secure aggregation: this client does not send an update carrying only its share of the noise unmasked.");

        var values = fit.Delta.Values;
        withinClipNorm = L2Clipping.Clip(values, spec.ClipNorm).WithinBound;
        if (spec.Mode != PrivacyMode.Central)
            _noise.AddTo(values, spec.ClientNoiseMultiplier * spec.ClipNorm);
        return spec.Mode == PrivacyMode.Local ? fit : fit with { ExampleCount = 1 };
    }
}
