namespace Federated.Shared.Codecs;

/// <summary>Picks the codec a client and the server both speak.</summary>
public static class CodecNegotiation
{
    /// <summary>
    /// The first of <paramref name="serverPreference"/> that the client supports. Every side supports
    /// <see cref="CodecKind.Fp32"/>, listed or not, so it is the answer when nothing else matches
    /// (a client that lists nothing, or a server that prefers only codecs the client lacks).
    /// Values that are not <see cref="CodecKind"/> members are ignored.
    /// </summary>
    public static CodecKind Choose(IReadOnlyList<CodecKind> clientSupports, IReadOnlyList<CodecKind> serverPreference)
    {
        ArgumentNullException.ThrowIfNull(clientSupports);
        ArgumentNullException.ThrowIfNull(serverPreference);
        for (int i = 0; i < serverPreference.Count; i++)
        {
            CodecKind wanted = serverPreference[i];
            if (!Enum.IsDefined(wanted)) continue;
            if (wanted == CodecKind.Fp32 || Contains(clientSupports, wanted)) return wanted;
        }
        return CodecKind.Fp32;
    }

    private static bool Contains(IReadOnlyList<CodecKind> kinds, CodecKind kind)
    {
        for (int i = 0; i < kinds.Count; i++)
        {
            if (kinds[i] == kind) return true;
        }
        return false;
    }
}
