using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Federated.Trust.Pki;

/// <summary>
/// Remembers certificates already proven to chain to the federation root, keyed by the SHA-256
/// of their DER encoding, so a peer that calls or signs again is not re-chained each time
/// (building a chain costs about a millisecond, five for a freshly decoded certificate).
/// </summary>
/// <remarks>
/// Only time-independent facts are cached (these exact bytes carry valid signatures up to this
/// root), with the validity window they hold in; time, revocation and role are checked on every
/// call. Failures are never cached, so their reasons stay exact.
/// </remarks>
internal sealed class ChainCache
{
    /// <summary>Bound on remembered certificates; past it the cache starts over (a federation has far fewer parties).</summary>
    private const int Capacity = 4096;

    private readonly ConcurrentDictionary<string, ChainFacts> _chains = new(StringComparer.Ordinal);

    // Reading names and extensions of a freshly decoded certificate costs milliseconds on Linux,
    // so what the check needs from the leaf is read once, with the chain.
    public static string KeyOf(X509Certificate2 certificate) => Convert.ToHexString(SHA256.HashData(certificate.RawData));

    /// <summary>The cached facts for <paramref name="key"/> when they hold at <paramref name="now"/>.</summary>
    public ChainFacts? Get(string key, DateTime now) =>
        _chains.TryGetValue(key, out var facts) && now >= facts.NotBefore && now <= facts.NotAfter ? facts : null;

    /// <summary>Records a chain that built successfully.</summary>
    public ChainFacts Add(string key, X509Chain chain)
    {
        var elements = chain.ChainElements.Select(e => e.Certificate).ToList();
        var leaf = elements[0];
        FederationIdentity.TryOf(leaf, out var identity, out var identityProblem);
        var purposes = FederationIdentity.Purposes(leaf);
        var facts = new ChainFacts(
            elements.Max(c => c.NotBefore.ToUniversalTime()),
            elements.Min(c => c.NotAfter.ToUniversalTime()),
            [.. elements.Take(elements.Count - 1).Select(c => (SerialNumbers.FromBytes(c.SerialNumberBytes.Span), c.Subject))],
            identity,
            identityProblem,
            FederationIdentity.RoleOf(leaf),
            purposes.Contains(FederationOids.ServerAuth),
            purposes.Contains(FederationOids.ClientAuth));
        if (_chains.Count >= Capacity)
        {
            _chains.Clear();
        }

        _chains[key] = facts;
        return facts;
    }
}

/// <summary>What a successful chain build proved about one certificate.</summary>
/// <param name="NotBefore">Latest start of validity along the chain (UTC).</param>
/// <param name="NotAfter">Earliest end of validity along the chain (UTC).</param>
/// <param name="Issued">Serial and subject of each chain element the root issued (leaf first), for the revocation check.</param>
/// <param name="Identity">The leaf's identity, when valid.</param>
/// <param name="IdentityProblem">Why the leaf names no valid identity, when it does not.</param>
/// <param name="Role">The leaf's federation role, if exactly one.</param>
/// <param name="ServerAuth">The leaf allows TLS server authentication.</param>
/// <param name="ClientAuth">The leaf allows TLS client authentication.</param>
internal sealed record ChainFacts(
    DateTime NotBefore,
    DateTime NotAfter,
    (string Serial, string Subject)[] Issued,
    string? Identity,
    string? IdentityProblem,
    FederationRole? Role,
    bool ServerAuth,
    bool ClientAuth);
