using Federated.Protocol;

namespace Federated.Coordinator.Privacy;

/// <summary>A task's privacy as the wire carries it.</summary>
internal static class PrivacyWire
{
    public static PrivacySpec ToProto(TaskPrivacy privacy) => new()
    {
        Mode = privacy.Mode switch
        {
            PrivacyMode.Local => Protocol.PrivacyMode.Local,
            PrivacyMode.Central => Protocol.PrivacyMode.Central,
            PrivacyMode.Distributed => Protocol.PrivacyMode.Distributed,
            _ => Protocol.PrivacyMode.None,
        },
        ClipNorm = privacy.ClipNorm,
        ClientNoiseMultiplier = privacy.ClientNoiseMultiplier,
        NoiseMultiplier = privacy.NoiseMultiplier,
    };
}
