using System.Security.Cryptography.X509Certificates;

namespace Federated.Trust.Pki;

/// <summary>
/// What a verifier holds: the federation root CA and its revocation list. Checks peer
/// certificates (TLS) and signer certificates (CMS). Thread-safe; when created from a CRL file it
/// reloads the list whenever the file changes (checked on each <see cref="Check"/>), keeping the
/// previous list if the new file is unreadable or badly signed.
/// </summary>
public sealed class FederationTrust
{
    private readonly Lock _reloadGate = new();
    private readonly string? _crlPath;
    private readonly TimeProvider _time;
    private readonly ChainCache _chains = new();
    private volatile RevocationList _revocations;
    private (DateTime Written, long Length) _crlStamp;

    private FederationTrust(X509Certificate2 root, RevocationList revocations, string? crlPath, TimeProvider? time)
    {
        Root = root;
        _revocations = revocations;
        _crlPath = crlPath;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The federation root CA (public part).</summary>
    public X509Certificate2 Root { get; }

    /// <summary>The revocation list in force (empty when none was given).</summary>
    public RevocationList RevocationList
    {
        get
        {
            ReloadIfChanged();
            return _revocations;
        }
    }

    /// <summary>The CRL file this trust follows, if any.</summary>
    public string? RevocationListPath => _crlPath;

    /// <summary>Why the last reload of the CRL file failed; null after a good load.</summary>
    public string? LastReloadError { get; private set; }

    /// <summary>
    /// True when the CRL's next-update has passed. A stale list is still enforced (revocations
    /// never expire); callers should warn so the operator publishes a fresh one.
    /// </summary>
    public bool RevocationListIsStale => _revocations.NextUpdate is { } next && _time.GetUtcNow() > next;

    /// <summary>Trust in <paramref name="root"/> with an optional CRL (DER or PEM) that never changes.</summary>
    public static FederationTrust Create(X509Certificate2 root, ReadOnlySpan<byte> revocationList = default, TimeProvider? time = null)
    {
        RequireCa(root, "root certificate");
        var list = revocationList.IsEmpty ? RevocationList.Empty : RevocationList.Parse(revocationList, root);
        return new FederationTrust(PublicOnly(root), list, null, time);
    }

    /// <summary>Trust in <paramref name="root"/>, following the CRL file at <paramref name="crlPath"/> (PEM or DER).</summary>
    /// <exception cref="FederationTrustException">The CRL file is missing or not a valid CRL of this CA.</exception>
    public static FederationTrust Create(X509Certificate2 root, string crlPath, TimeProvider? time = null)
    {
        RequireCa(root, "root certificate");
        ArgumentException.ThrowIfNullOrEmpty(crlPath);
        var full = Path.GetFullPath(crlPath);
        if (!File.Exists(full))
        {
            throw new FederationTrustException($"Revocation list '{full}' does not exist.");
        }

        var publicRoot = PublicOnly(root);
        var trust = new FederationTrust(publicRoot, RevocationList.Parse(File.ReadAllBytes(full), publicRoot, full), full, time);
        trust._crlStamp = Stamp(full);
        return trust;
    }

    /// <summary>Loads the CA from a PEM/DER file and, when given, follows the CRL file.</summary>
    public static FederationTrust Load(string caCertificatePath, string? crlPath = null, TimeProvider? time = null)
    {
        var root = PemFiles.LoadCertificate(caCertificatePath);
        return crlPath is null ? Create(root, default(ReadOnlySpan<byte>), time) : Create(root, crlPath, time);
    }

    /// <summary>Replaces the revocation list (DER or PEM), after checking it is this CA's.</summary>
    public void UpdateRevocationList(ReadOnlySpan<byte> revocationList)
    {
        var list = RevocationList.Parse(revocationList, Root);
        lock (_reloadGate)
        {
            _revocations = list;
        }
    }

    /// <summary>Re-reads the CRL file if its timestamp or length changed. Returns true when a new list was taken.</summary>
    public bool ReloadIfChanged()
    {
        if (_crlPath is null)
        {
            return false;
        }

        var stamp = Stamp(_crlPath);
        if (stamp == _crlStamp)
        {
            return false;
        }

        lock (_reloadGate)
        {
            stamp = Stamp(_crlPath);
            if (stamp == _crlStamp)
            {
                return false;
            }

            _crlStamp = stamp;
            try
            {
                var list = RevocationList.Parse(File.ReadAllBytes(_crlPath), Root, _crlPath);

                // An older list must not undo newer revocations (e.g. a backup restored by mistake).
                if (list.Number is { } number && _revocations.Number is { } current && number < current)
                {
                    LastReloadError = $"Revocation list '{_crlPath}' has CRL number {number}, older than the loaded {current}; kept the loaded one.";
                    return false;
                }

                _revocations = list;
                LastReloadError = null;
                return true;
            }
            catch (Exception e) when (e is FederationTrustException or IOException or UnauthorizedAccessException)
            {
                LastReloadError = e.Message;
                return false;
            }
        }
    }

    /// <summary>
    /// Checks <paramref name="certificate"/>: chains to the federation root (custom root trust, no
    /// OS store), valid at the current time, not revoked by the federation CRL, carries
    /// <paramref name="expectedRole"/> (any role when null) with the TLS purposes that role needs,
    /// and names a valid identity. Never throws for a bad certificate: the result says why.
    /// </summary>
    /// <param name="certificate">The peer's or signer's certificate.</param>
    /// <param name="expectedRole">The role it must have; null accepts either.</param>
    /// <param name="extraChain">Intermediate certificates the peer sent (the federation issues none, but TLS may pass them).</param>
    public TrustCheckResult Check(X509Certificate2 certificate, FederationRole? expectedRole, X509Certificate2Collection? extraChain = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ReloadIfChanged();
        var revocations = _revocations;
        var now = _time.GetUtcNow();

        var key = ChainCache.KeyOf(certificate);
        var facts = _chains.Get(key, now.UtcDateTime);
        if (facts is null)
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(Root);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.DisableCertificateDownloads = true;
            chain.ChainPolicy.VerificationTime = now.UtcDateTime;
            chain.ChainPolicy.VerificationTimeIgnored = false;
            if (extraChain is not null)
            {
                chain.ChainPolicy.ExtraStore.AddRange(extraChain);
            }

            if (!chain.Build(certificate) || !EndsAtRoot(chain))
            {
                return TrustCheckResult.Refused(certificate, ChainFailure(chain, certificate, now));
            }

            facts = _chains.Add(key, chain);
        }

        // The federation CRL covers every certificate the root issued (the chain minus the root).
        for (var i = 0; i < facts.Issued.Length; i++)
        {
            if (revocations.IsRevoked(facts.Issued[i].Serial, out var entry))
            {
                var why = entry!.Reason is { } reason ? $" ({reason})" : string.Empty;
                var whose = i == 0 ? string.Empty : $" (its issuer '{facts.Issued[i].Subject}')";
                return TrustCheckResult.Refused(certificate, $"is revoked{whose}: serial {entry.Serial} revoked on {entry.RevokedAt:u}{why}");
            }
        }

        if (facts.Identity is not { } identity)
        {
            return new TrustCheckResult(false, facts.IdentityProblem!, null, null, certificate);
        }

        if (facts.Role is not { } role)
        {
            return TrustCheckResult.Refused(certificate, "carries no federation role (coordinator or site) in its extended key usage", identity);
        }

        if (expectedRole is { } expected && role != expected)
        {
            return TrustCheckResult.Refused(certificate, $"has the {role} role, but the {expected} role is required", identity, role);
        }

        if (!facts.ClientAuth || (role == FederationRole.Coordinator && !facts.ServerAuth))
        {
            var needed = role == FederationRole.Coordinator ? "serverAuth and clientAuth" : "clientAuth";
            return TrustCheckResult.Refused(certificate, $"lacks the {needed} extended key usage its {role} role needs", identity, role);
        }

        return new TrustCheckResult(true, $"Certificate '{certificate.Subject}' is trusted as {role} '{identity}'.", identity, role, certificate);
    }

    private bool EndsAtRoot(X509Chain chain) =>
        chain.ChainElements.Count > 0 && chain.ChainElements[^1].Certificate.RawData.AsSpan().SequenceEqual(Root.RawData);

    private string ChainFailure(X509Chain chain, X509Certificate2 certificate, DateTimeOffset now)
    {
        var flags = X509ChainStatusFlags.NoError;
        foreach (var status in chain.ChainStatus)
        {
            flags |= status.Status;
        }

        if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0 || !EndsAtRoot(chain))
        {
            return $"was not issued by the federation CA '{Root.Subject}' (its issuer is '{certificate.Issuer}')";
        }

        if ((flags & X509ChainStatusFlags.NotSignatureValid) != 0)
        {
            return $"has a signature that does not verify against the federation CA '{Root.Subject}'";
        }

        if ((flags & X509ChainStatusFlags.NotTimeValid) != 0)
        {
            var expired = chain.ChainElements.Cast<X509ChainElement>()
                .Select(e => e.Certificate)
                .First(c => now.UtcDateTime < c.NotBefore.ToUniversalTime() || now.UtcDateTime > c.NotAfter.ToUniversalTime());
            var state = now.UtcDateTime > expired.NotAfter.ToUniversalTime() ? $"expired on {expired.NotAfter.ToUniversalTime():u}" : $"is not valid before {expired.NotBefore.ToUniversalTime():u}";
            return expired.RawData.AsSpan().SequenceEqual(certificate.RawData) ? state : $"chains to '{expired.Subject}', which {state}";
        }

        var details = string.Join("; ", chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));
        return $"failed chain validation against the federation CA '{Root.Subject}' ({details})";
    }

    private static (DateTime, long) Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
    }

    private static void RequireCa(X509Certificate2 root, string what)
    {
        ArgumentNullException.ThrowIfNull(root);
        var constraints = root.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        if (constraints is not { CertificateAuthority: true })
        {
            throw new FederationTrustException($"The {what} '{root.Subject}' is not a CA certificate (no basicConstraints cA=true).");
        }
    }

    private static X509Certificate2 PublicOnly(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadCertificate(certificate.RawData);
}
