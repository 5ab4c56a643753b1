using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Federated.Trust.Pki;

/// <summary>
/// The federation's root certificate authority, with its private key: issues coordinator and site
/// certificates, revokes them and signs revocation lists. Persisted by <see cref="Save"/> and
/// <see cref="Load"/> (encrypted PKCS#12 key plus a JSON ledger). Thread-safe; mutating calls
/// change only memory until <see cref="Save"/>.
/// </summary>
public sealed partial class FederationAuthority : IDisposable
{
    /// <summary>Default lifetime of a root CA.</summary>
    public static readonly TimeSpan DefaultCaValidity = TimeSpan.FromDays(3650);

    /// <summary>Default lifetime of an issued certificate.</summary>
    public static readonly TimeSpan DefaultCertificateValidity = TimeSpan.FromDays(365);

    /// <summary>Default time until a revocation list's next-update.</summary>
    public static readonly TimeSpan DefaultCrlValidity = TimeSpan.FromDays(30);

    private readonly Lock _gate = new();
    private readonly AuthorityState _state;
    private readonly TimeProvider _time;
    private bool _disposed;

    private FederationAuthority(X509Certificate2 certificate, AuthorityState state, TimeProvider? time)
    {
        Certificate = certificate;
        _state = state;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The root certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The federation's name (the CA's subject O).</summary>
    public string FederationName => _state.FederationName;

    /// <summary>Every certificate issued, in issue order, with revocation state.</summary>
    public IReadOnlyList<IssuedCertificate> Issued
    {
        get
        {
            lock (_gate)
            {
                return [.. _state.Issued];
            }
        }
    }

    /// <summary>The root certificate without its private key, for verifiers.</summary>
    public X509Certificate2 PublicCertificate() => X509CertificateLoader.LoadCertificate(Certificate.RawData);

    /// <summary>Creates a new root CA (ECDSA P-256 by default, RSA 3072 with <paramref name="rsa"/>).</summary>
    public static FederationAuthority Create(string federationName, TimeSpan? validity = null, bool rsa = false, TimeProvider? time = null)
    {
        if (string.IsNullOrWhiteSpace(federationName) || FederationIdentity.Problem(federationName) is not null)
        {
            throw new ArgumentException(
                $"Federation name '{federationName}' {FederationIdentity.Problem(federationName) ?? "is blank"}.", nameof(federationName));
        }

        var lifetime = validity ?? DefaultCaValidity;
        if (lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(validity), validity, "The CA validity must be positive.");
        }

        var now = (time ?? TimeProvider.System).GetUtcNow();
        var certificate = CertificateIssuer.CreateRoot(federationName, lifetime, rsa, now);
        return new FederationAuthority(certificate, new AuthorityState { FederationName = federationName }, time);
    }

    /// <summary>
    /// Issues the coordinator's certificate: TLS server and client (serverAuth + clientAuth), the
    /// coordinator role; the same certificate signs models and is the coordinator's MQTT identity.
    /// </summary>
    /// <param name="name">Identity (subject CN), e.g. "coordinator".</param>
    /// <param name="dnsNames">DNS names clients connect to (subject alternative names).</param>
    /// <param name="ipAddresses">IP addresses clients connect to (subject alternative names).</param>
    /// <param name="validity">Lifetime; <see cref="DefaultCertificateValidity"/> when null.</param>
    /// <param name="rsa">RSA 3072 instead of ECDSA P-256 (needed to receive CMS envelopes).</param>
    public X509Certificate2 IssueCoordinator(
        string name,
        IEnumerable<string>? dnsNames = null,
        IEnumerable<IPAddress>? ipAddresses = null,
        TimeSpan? validity = null,
        bool rsa = false)
    {
        var dns = (dnsNames ?? []).ToArray();
        var ips = (ipAddresses ?? []).ToArray();
        if (dns.Length + ips.Length == 0)
        {
            throw new ArgumentException(
                $"Coordinator '{name}' needs at least one DNS name or IP address: TLS clients check the server's name against them.",
                nameof(dnsNames));
        }

        foreach (var host in dns)
        {
            if (Uri.CheckHostName(host) != UriHostNameType.Dns)
            {
                throw new ArgumentException($"'{host}' is not a DNS name (coordinator '{name}').", nameof(dnsNames));
            }
        }

        return Issue(name, FederationRole.Coordinator, dns, ips, validity, rsa);
    }

    /// <summary>Issues a site's (or device's) certificate: TLS client (clientAuth) with the site role.</summary>
    public X509Certificate2 IssueSite(string siteId, TimeSpan? validity = null, bool rsa = false) =>
        Issue(siteId, FederationRole.Site, [], [], validity, rsa);

    private X509Certificate2 Issue(
        string identity, FederationRole role, string[] dns, IPAddress[] ips, TimeSpan? validity, bool rsa)
    {
        FederationIdentity.Validate(identity, nameof(identity));
        var lifetime = validity ?? DefaultCertificateValidity;
        if (lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(validity), validity, "The certificate validity must be positive.");
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _time.GetUtcNow();
            if (now >= Certificate.NotAfter.ToUniversalTime())
            {
                throw new InvalidOperationException($"The federation CA '{Certificate.Subject}' expired on {Certificate.NotAfter:u}; create a new one.");
            }

            var serial = SerialNumbers.Parse(_state.NextSerial);
            var certificate = CertificateIssuer.CreateLeaf(
                Certificate, FederationName, identity, role, dns, ips, lifetime, rsa, SerialNumbers.ToBytes(serial), now);
            _state.NextSerial = SerialNumbers.FromBytes(SerialNumbers.ToBytes(serial + BigInteger.One));
            _state.Issued.Add(new IssuedCertificate(
                SerialNumbers.FromBytes(certificate.SerialNumberBytes.Span),
                identity,
                role,
                new DateTimeOffset(certificate.NotBefore.ToUniversalTime()),
                new DateTimeOffset(certificate.NotAfter.ToUniversalTime()),
                certificate.Thumbprint,
                rsa ? $"RSA {CertificateIssuer.RsaKeySize}" : "ECDSA P-256"));
            return certificate;
        }
    }

    /// <summary>Revokes the certificate with serial <paramref name="serial"/> (hexadecimal).</summary>
    /// <returns>False when it was already revoked.</returns>
    /// <exception cref="KeyNotFoundException">This CA issued no certificate with that serial.</exception>
    public bool Revoke(string serial, X509RevocationReason reason = X509RevocationReason.Unspecified)
    {
        var normalized = SerialNumbers.Normalize(serial)
            ?? throw new ArgumentException($"Serial '{serial}' is not hexadecimal.", nameof(serial));
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var index = _state.Issued.FindIndex(c => c.Serial == normalized);
            if (index < 0)
            {
                throw new KeyNotFoundException($"The federation CA '{FederationName}' issued no certificate with serial {normalized}.");
            }

            if (_state.Issued[index].IsRevoked)
            {
                return false;
            }

            _state.Issued[index] = _state.Issued[index] with { RevokedAt = _time.GetUtcNow(), RevocationReason = reason };
            return true;
        }
    }

    /// <summary>Revokes <paramref name="certificate"/>, which this CA must have issued.</summary>
    public bool Revoke(X509Certificate2 certificate, X509RevocationReason reason = X509RevocationReason.Unspecified)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.IssuerName.RawData.AsSpan().SequenceEqual(Certificate.SubjectName.RawData))
        {
            throw new ArgumentException(
                $"Certificate '{certificate.Subject}' was issued by '{certificate.Issuer}', not by the federation CA '{Certificate.Subject}'.",
                nameof(certificate));
        }

        return Revoke(SerialNumbers.FromBytes(certificate.SerialNumberBytes.Span), reason);
    }

    /// <summary>Revokes every unrevoked certificate issued to <paramref name="identity"/>.</summary>
    /// <returns>The records revoked now (empty when all were already revoked).</returns>
    /// <exception cref="KeyNotFoundException">No certificate was ever issued to that identity.</exception>
    public IReadOnlyList<IssuedCertificate> RevokeIdentity(string identity, X509RevocationReason reason = X509RevocationReason.Unspecified)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var matches = _state.Issued.Where(c => c.Identity == identity).ToList();
            if (matches.Count == 0)
            {
                throw new KeyNotFoundException($"The federation CA '{FederationName}' issued no certificate to '{identity}'.");
            }

            var revoked = new List<IssuedCertificate>();
            foreach (var record in matches.Where(c => !c.IsRevoked))
            {
                Revoke(record.Serial, reason);
                revoked.Add(_state.Issued.First(c => c.Serial == record.Serial));
            }

            return revoked;
        }
    }

    /// <summary>
    /// Signs an X.509 CRL (RFC 5280 §5) listing every revoked certificate, with the next CRL number.
    /// Advances the CRL number: <see cref="Save"/> afterwards.
    /// </summary>
    public RevocationListFile BuildRevocationList(TimeSpan? nextUpdateIn = null)
    {
        var validity = nextUpdateIn ?? DefaultCrlValidity;
        if (validity <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(nextUpdateIn), nextUpdateIn, "The CRL's next update must be in the future.");
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var builder = new CertificateRevocationListBuilder();
            foreach (var record in _state.Issued.Where(c => c.IsRevoked))
            {
                builder.AddEntry(Convert.FromHexString(record.Serial), record.RevokedAt!.Value, record.RevocationReason);
            }

            var number = SerialNumbers.Parse(_state.NextCrlNumber);
            var now = _time.GetUtcNow();
            var der = builder.Build(Certificate, number, now + validity, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, now);
            _state.NextCrlNumber = SerialNumbers.FromBytes(SerialNumbers.ToBytes(number + BigInteger.One));
            return new RevocationListFile(der);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Certificate.Dispose();
        }
    }
}
