using Federated.Shared.Serialization;

namespace Federated.Edge.Pull;

/// <summary>A global model received from a coordinator whose checksum and content hash were verified.</summary>
/// <param name="LatestRound">The coordinator's latest completed round when the model was sent.</param>
/// <param name="File">The model file exactly as received (see <see cref="ModelFile"/>).</param>
/// <param name="Snapshot">The model read from <paramref name="File"/>.</param>
public sealed record PulledModel(long Round, long LatestRound, byte[] File, ModelSnapshot Snapshot)
{
    public string ContentHash => Snapshot.ContentHash;

    /// <summary>The identity of the coordinator certificate whose signature was verified; null when pulled without a federation CA (plain-text development).</summary>
    public string? SignedBy { get; init; }
}
