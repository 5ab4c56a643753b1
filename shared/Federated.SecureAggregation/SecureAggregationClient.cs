using System.Security.Cryptography;
using NSec.Cryptography;

namespace Federated.SecureAggregation;

/// <summary>
/// One client's side of one secure-aggregation round (Bonawitz et al. 2017, Figure 4, semi-honest;
/// neighbourhoods from Bell et al. 2020). Call the four phase methods in order, each with the
/// coordinator's message of the previous phase; each returns the message to send. A phase whose input
/// is unusable as a whole throws <see cref="SecureAggregationException"/> (treat the client as
/// dropped); a single bad share inside a bundle is skipped and recorded in <see cref="Rejections"/>.
/// The client never reveals both the self-mask share and the mask-key share of the same neighbour:
/// it answers one <see cref="UnmaskRequest"/> only, and checks the two lists are disjoint.
/// Not thread-safe; dispose to release keys.
/// </summary>
public sealed class SecureAggregationClient : IDisposable
{
    private readonly SecureAggregationOptions _options;
    private readonly NeighbourGraph _graph;
    private readonly List<SecureAggregationRejection> _rejections = [];
    private readonly SortedDictionary<int, (PublicKey Encryption, PublicKey Mask)> _neighbourKeys = [];
    private readonly Dictionary<int, (byte[] SelfMask, byte[] MaskKey)> _heldShares = [];
    private readonly byte[] _selfMaskSeed = new byte[MaskGenerator.SeedBytes];
    private int[] _maskPartners = [];
    private byte[] _ownSelfMaskShare = [];
    private Key? _encryptionKey;
    private Key? _maskKey;
    private bool _disposed;

    /// <summary>Creates the client with index <paramref name="clientIndex"/> (1..n) for round <paramref name="roundId"/>; the graph seed comes from the coordinator.</summary>
    public SecureAggregationClient(SecureAggregationOptions options, long roundId, int clientIndex, ReadOnlySpan<byte> graphSeed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (clientIndex < 1 || clientIndex > options.ClientCount)
            throw new ArgumentOutOfRangeException(nameof(clientIndex), clientIndex, $"Client indices run 1..{options.ClientCount}.");
        _options = options;
        RoundId = roundId;
        ClientIndex = clientIndex;
        _graph = NeighbourGraph.Create(graphSeed, options.ClientCount, options.EffectiveNeighbourDegree);
    }

    public long RoundId { get; }

    public int ClientIndex { get; }

    /// <summary>The phase whose method is to be called next (Completed after unmasking).</summary>
    public SecureAggregationPhase Phase { get; private set; } = SecureAggregationPhase.AdvertiseKeys;

    /// <summary>Shares (or entries) this client skipped, with reasons.</summary>
    public IReadOnlyList<SecureAggregationRejection> Rejections => _rejections;

    /// <summary>Phase 0: fresh key pairs (c_i, s_i); returns their public halves.</summary>
    public AdvertisedKeys AdvertiseKeys()
    {
        EnterPhase(SecureAggregationPhase.AdvertiseKeys);
        _encryptionKey = KeyAgreement.CreateKey(exportable: false);
        _maskKey = KeyAgreement.CreateKey(exportable: true);
        Phase = SecureAggregationPhase.ShareKeys;
        return new AdvertisedKeys(RoundId, ClientIndex, KeyAgreement.ExportPublicKey(_encryptionKey), KeyAgreement.ExportPublicKey(_maskKey));
    }

    /// <summary>
    /// Phase 1: draws the self-mask seed b_i, splits b_i and s_i^SK t-of-(m + 1) among itself and the m
    /// neighbours that advertised keys, and encrypts each neighbour's pair of shares for it.
    /// </summary>
    public ShareKeysMessage ShareKeys(NeighbourKeys neighbourKeys)
    {
        ArgumentNullException.ThrowIfNull(neighbourKeys);
        EnterPhase(SecureAggregationPhase.ShareKeys);
        const SecureAggregationPhase phase = SecureAggregationPhase.ShareKeys;
        CheckAddress(phase, neighbourKeys.RoundId, neighbourKeys.Recipient);
        foreach (var entry in neighbourKeys.Neighbours)
        {
            if (entry.RoundId != RoundId) Refuse(phase, $"the key of client {entry.ClientIndex} is for round {entry.RoundId}");
            if (!_graph.AreNeighbours(ClientIndex, entry.ClientIndex)) Refuse(phase, $"client {entry.ClientIndex} is not a neighbour");
            if (_neighbourKeys.ContainsKey(entry.ClientIndex)) Refuse(phase, $"client {entry.ClientIndex} is listed twice");
            var encryption = KeyAgreement.TryImportPublicKey(entry.EncryptionPublicKey);
            var mask = KeyAgreement.TryImportPublicKey(entry.MaskPublicKey);
            if (encryption is null || mask is null) Refuse(phase, $"client {entry.ClientIndex} has a malformed public key");
            _neighbourKeys.Add(entry.ClientIndex, (encryption, mask));
        }
        int threshold = _options.EffectiveThreshold;
        if (_neighbourKeys.Count + 1 < threshold)
            Refuse(phase, $"only {_neighbourKeys.Count} neighbours advertised keys; with this client that is below the threshold {threshold}");

        // Shares go to the neighbours and to this client itself (t of k + 1, as in Bonawitz et al., where
        // a survivor also reveals its own share of b): the own share sits last and is kept, not sent.
        var recipients = new int[_neighbourKeys.Count + 1];
        _neighbourKeys.Keys.CopyTo(recipients, 0);
        recipients[^1] = ClientIndex;
        RandomNumberGenerator.Fill(_selfMaskSeed);
        var maskPrivate = KeyAgreement.ExportPrivateKey(_maskKey!);
        var selfMaskShares = ShamirSecretSharing.Split(_selfMaskSeed, threshold, recipients);
        var maskKeyShares = ShamirSecretSharing.Split(maskPrivate, threshold, recipients);
        CryptographicOperations.ZeroMemory(maskPrivate);
        // The own mask-key share is never revealed (a client that reveals is alive), so it is not kept.
        _ownSelfMaskShare = selfMaskShares[^1];
        CryptographicOperations.ZeroMemory(maskKeyShares[^1]);

        var shares = new EncryptedShare[recipients.Length - 1];
        for (int r = 0; r < shares.Length; r++)
        {
            using var key = KeyAgreement.DeriveShareKey(_encryptionKey!, _neighbourKeys[recipients[r]].Encryption, RoundId);
            var ciphertext = ShareCipher.Encrypt(key, RoundId, ClientIndex, recipients[r], selfMaskShares[r], maskKeyShares[r]);
            shares[r] = new EncryptedShare(RoundId, ClientIndex, recipients[r], ciphertext);
            CryptographicOperations.ZeroMemory(selfMaskShares[r]);
            CryptographicOperations.ZeroMemory(maskKeyShares[r]);
        }
        Phase = SecureAggregationPhase.MaskedInput;
        return new ShareKeysMessage(RoundId, ClientIndex, shares);
    }

    /// <summary>
    /// Phase 2: keeps the neighbours' shares and returns y = encode(w·x, w) + PRG(b_i) + Σ_j ±PRG(s_ij)
    /// mod 2^b over the bundle's senders j (+ when i &lt; j, − otherwise, so each pair cancels in the
    /// sum). A sender's share that fails to decrypt is recorded and skipped, but the sender still gets
    /// a pairwise mask: the coordinator counts it as a survivor, and its mask must cancel.
    /// </summary>
    public MaskedInput MaskInput(ShareBundle bundle, ReadOnlySpan<float> update, float weight)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        EnterPhase(SecureAggregationPhase.MaskedInput);
        const SecureAggregationPhase phase = SecureAggregationPhase.MaskedInput;
        CheckAddress(phase, bundle.RoundId, bundle.Recipient);
        if (update.Length != _options.VectorLength)
            throw new ArgumentException($"The update has {update.Length} values; the round expects {_options.VectorLength}.", nameof(update));

        var partners = new List<int>(bundle.Shares.Count);
        foreach (var share in bundle.Shares)
        {
            if (!_neighbourKeys.TryGetValue(share.Sender, out var keys))
            {
                Record(share.Sender, phase, "share from a client that is not a neighbour with advertised keys");
                continue;
            }
            if (partners.Contains(share.Sender))
            {
                Record(share.Sender, phase, "second share from the same sender");
                continue;
            }
            partners.Add(share.Sender);
            if (share.RoundId != RoundId || share.Recipient != ClientIndex)
            {
                Record(share.Sender, phase, $"share addressed to round {share.RoundId}, client {share.Recipient}");
                continue;
            }
            using var key = KeyAgreement.DeriveShareKey(_encryptionKey!, keys.Encryption, RoundId);
            var opened = ShareCipher.TryDecrypt(key, RoundId, share.Sender, ClientIndex, share.Ciphertext ?? [], out var reason);
            if (opened is null) Record(share.Sender, phase, reason!);
            else _heldShares[share.Sender] = opened.Value;
        }
        int threshold = _options.EffectiveThreshold;
        if (partners.Count + 1 < threshold)
            Refuse(phase, $"only {partners.Count} neighbours shared keys; with this client that is below the threshold {threshold}");
        partners.Sort();
        _maskPartners = [.. partners];

        var masked = new uint[_options.MaskedVectorLength];
        FixedPointEncoder.Encode(update, weight, _options, masked);
        // All k + 1 streams in one pass over the vector, tile by tile (see MaskGenerator.Apply).
        using (var streams = new MaskStreams())
        using (var generator = new MaskGenerator())
        {
            streams.Add(_selfMaskSeed, subtract: false);
            Span<byte> seed = stackalloc byte[MaskGenerator.SeedBytes];
            foreach (int partner in _maskPartners)
            {
                KeyAgreement.DerivePairwiseSeed(_maskKey!, _neighbourKeys[partner].Mask, RoundId, seed);
                streams.Add(seed, subtract: ClientIndex > partner);
            }
            seed.Clear();
            generator.Apply(streams, masked, 0);
        }
        FixedPointEncoder.Reduce(masked, FixedPointEncoder.ModulusMask(_options.BitWidth));
        Phase = SecureAggregationPhase.Unmasking;
        return new MaskedInput(RoundId, ClientIndex, masked);
    }

    /// <summary>
    /// Phase 3: reveals its own b share, the b share of each surviving partner and the s^SK share of each dropped one.
    /// Refuses when the lists overlap, repeat, differ from this client's partners, or leave fewer than
    /// t survivors (this client included) — Bonawitz et al.'s |U3| ≥ t check, per neighbourhood.
    /// </summary>
    public UnmaskResponse Unmask(UnmaskRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnterPhase(SecureAggregationPhase.Unmasking);
        const SecureAggregationPhase phase = SecureAggregationPhase.Unmasking;
        CheckAddress(phase, request.RoundId, request.Recipient);
        var surviving = request.SurvivingNeighbours ?? [];
        var dropped = request.DroppedNeighbours ?? [];
        if (surviving.Length + dropped.Length != _maskPartners.Length)
            Refuse(phase, $"the request names {surviving.Length + dropped.Length} neighbours; this client has {_maskPartners.Length} mask partners");
        var seen = new HashSet<int>();
        foreach (int j in surviving) CheckListed(j, seen);
        foreach (int j in dropped) CheckListed(j, seen);
        int threshold = _options.EffectiveThreshold;
        if (surviving.Length + 1 < threshold)
            Refuse(phase, $"only {surviving.Length + 1} of this neighbourhood survived; the threshold is {threshold}");

        // A copy: Dispose zeroes the kept share, and the response may outlive the client.
        var revealed = new List<RevealedShare>(_maskPartners.Length + 1) { new(ClientIndex, RevealedShareKind.SelfMaskSeed, (byte[])_ownSelfMaskShare.Clone()) };
        foreach (int j in surviving)
            if (_heldShares.TryGetValue(j, out var held)) revealed.Add(new RevealedShare(j, RevealedShareKind.SelfMaskSeed, held.SelfMask));
        foreach (int j in dropped)
            if (_heldShares.TryGetValue(j, out var held)) revealed.Add(new RevealedShare(j, RevealedShareKind.MaskPrivateKey, held.MaskKey));
        _heldShares.Clear();
        Phase = SecureAggregationPhase.Completed;
        return new UnmaskResponse(RoundId, ClientIndex, revealed);

        void CheckListed(int j, HashSet<int> listed)
        {
            if (Array.BinarySearch(_maskPartners, j) < 0) Refuse(phase, $"client {j} is not one of this client's mask partners");
            if (!listed.Add(j)) Refuse(phase, $"client {j} is listed twice (as survivor and as dropped, or repeated)");
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _encryptionKey?.Dispose();
        _maskKey?.Dispose();
        CryptographicOperations.ZeroMemory(_selfMaskSeed);
        CryptographicOperations.ZeroMemory(_ownSelfMaskShare);
        _heldShares.Clear();
    }

    private void EnterPhase(SecureAggregationPhase expected)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Phase != expected)
            throw new InvalidOperationException($"Client {ClientIndex} is at phase {Phase}; {expected} was called.");
    }

    private void CheckAddress(SecureAggregationPhase phase, long roundId, int recipient)
    {
        if (roundId != RoundId) Refuse(phase, $"the message is for round {roundId}, not {RoundId}");
        if (recipient != ClientIndex) Refuse(phase, $"the message is for client {recipient}, not {ClientIndex}");
    }

    private void Record(int client, SecureAggregationPhase phase, string reason) =>
        _rejections.Add(new SecureAggregationRejection(client, phase, reason));

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Refuse(SecureAggregationPhase phase, string reason)
    {
        Phase = SecureAggregationPhase.Aborted;
        throw new SecureAggregationException(phase, $"Client {ClientIndex} refuses phase {phase}: {reason}.");
    }
}
