using System.Security.Cryptography;
using NSec.Cryptography;

namespace Federated.SecureAggregation;

/// <summary>
/// The coordinator's side of one secure-aggregation round (Bonawitz et al. 2017, Figure 4,
/// semi-honest; SecAgg+ neighbourhoods from Bell et al. 2020). For each phase: hand every message to
/// its Receive method (false = rejected, reason recorded in <see cref="Rejections"/>), call the
/// phase's Close method when the phase's deadline passes (false = the round aborted; see
/// <see cref="AbortReason"/>), then send each listed client its next message. <see cref="Finish"/>
/// removes the masks and returns only the sum.
/// </summary>
/// <remarks>
/// By design this type offers no way to obtain any single client's unmasked input: it holds masked
/// inputs (uniform on their own), routes share ciphertexts it cannot open, and reconstructs b_i only
/// for clients whose masked inputs are summed and s_j^SK only for clients that dropped before sending
/// one, so the only value it can unmask is the sum. Thresholds and minimum survivors are checked at
/// every phase; failing them aborts before anything is revealed. A client that sends two different
/// messages for one phase is treated as dropped from then on. Thread-safe: transports may call from
/// many threads. Keeps the masked inputs (by reference) until <see cref="Finish"/>, because a
/// conflicting duplicate must be taken out of the sum.
/// </remarks>
public sealed partial class SecureAggregationServer
{
    private readonly SecureAggregationOptions _options;
    private readonly NeighbourGraph _graph;
    private readonly Lock _gate = new();
    private readonly List<SecureAggregationRejection> _rejections = [];
    private readonly HashSet<int> _conflicting = [];
    private readonly Dictionary<int, AdvertisedKeys> _keys = [];
    private readonly Dictionary<int, ShareKeysMessage> _shares = [];
    private readonly Dictionary<int, MaskedInput> _inputs = [];
    private readonly Dictionary<int, UnmaskResponse> _responses = [];
    private readonly bool[] _advertised; // U1
    private readonly bool[] _shared;     // U2
    private readonly bool[] _masked;     // U3

    /// <summary>Starts round <paramref name="roundId"/>; draws a fresh graph seed unless one is given (tests, replays).</summary>
    public SecureAggregationServer(SecureAggregationOptions options, long roundId, byte[]? graphSeed = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        RoundId = roundId;
        GraphSeed = graphSeed is null ? RandomNumberGenerator.GetBytes(NeighbourGraph.SeedBytes) : (byte[])graphSeed.Clone();
        _graph = NeighbourGraph.Create(GraphSeed, options.ClientCount, options.EffectiveNeighbourDegree);
        _advertised = new bool[options.ClientCount + 1];
        _shared = new bool[options.ClientCount + 1];
        _masked = new bool[options.ClientCount + 1];
    }

    public long RoundId { get; }

    /// <summary>The public seed of the neighbour graph; every client needs it (with the options) to start.</summary>
    public byte[] GraphSeed { get; }

    public SecureAggregationPhase Phase { get { lock (_gate) return _phase; } }

    private SecureAggregationPhase _phase = SecureAggregationPhase.AdvertiseKeys;

    /// <summary>Why the round aborted; null unless <see cref="Phase"/> is Aborted.</summary>
    public string? AbortReason { get; private set; }

    /// <summary>Every refused message or client so far: who, in which phase, why.</summary>
    public IReadOnlyList<SecureAggregationRejection> Rejections { get { lock (_gate) return [.. _rejections]; } }

    /// <summary>The clients still in the round: those to send the next phase's message to.</summary>
    public IReadOnlyList<int> ActiveClients
    {
        get
        {
            lock (_gate)
            {
                var set = _phase switch
                {
                    SecureAggregationPhase.ShareKeys => _advertised,
                    SecureAggregationPhase.MaskedInput => _shared,
                    SecureAggregationPhase.Unmasking => _masked,
                    _ => null,
                };
                if (set is null) return [];
                var list = new List<int>();
                for (int c = 1; c < set.Length; c++) if (set[c]) list.Add(c);
                return list;
            }
        }
    }

    // ---------------- Phase 0: advertise keys ----------------

    public bool ReceiveAdvertisedKeys(AdvertisedKeys message)
    {
        ArgumentNullException.ThrowIfNull(message);
        const SecureAggregationPhase phase = SecureAggregationPhase.AdvertiseKeys;
        lock (_gate)
        {
            int sender = message.ClientIndex;
            if (!Admit(phase, message.RoundId, sender)) return false;
            if (KeyAgreement.TryImportPublicKey(message.EncryptionPublicKey) is null || KeyAgreement.TryImportPublicKey(message.MaskPublicKey) is null)
                return Reject(sender, phase, "malformed X25519 public key (32 raw bytes expected)");
            if (_keys.TryGetValue(sender, out var earlier))
            {
                if (earlier.EncryptionPublicKey.AsSpan().SequenceEqual(message.EncryptionPublicKey) && earlier.MaskPublicKey.AsSpan().SequenceEqual(message.MaskPublicKey))
                    return true;
                _keys.Remove(sender);
                return Conflict(sender, phase, "two different key advertisements");
            }
            _keys[sender] = message;
            return true;
        }
    }

    /// <summary>Ends phase 0: U1 = clients that advertised, less any left with fewer than t − 1 advertising neighbours.</summary>
    public bool CloseAdvertiseKeys()
    {
        const SecureAggregationPhase phase = SecureAggregationPhase.AdvertiseKeys;
        lock (_gate)
        {
            if (!Close(phase)) return false;
            foreach (int c in _keys.Keys) _advertised[c] = true;
            Prune(_advertised, phase, "advertised keys");
            return Advance(_advertised, phase, SecureAggregationPhase.ShareKeys);
        }
    }

    /// <summary>Phase 0 → 1 message for a client in U1: its neighbours' keys.</summary>
    public NeighbourKeys NeighbourKeysFor(int client)
    {
        lock (_gate)
        {
            RequireMember(client, _advertised, SecureAggregationPhase.ShareKeys);
            var list = new List<AdvertisedKeys>(_graph.Degree);
            foreach (int j in _graph.NeighboursOf(client)) if (_advertised[j]) list.Add(_keys[j]);
            return new NeighbourKeys(RoundId, client, list);
        }
    }

    // ---------------- Phase 1: share keys ----------------

    /// <summary>Accepts a client's shares when there is exactly one well-formed ciphertext for each neighbour in U1.</summary>
    public bool ReceiveShares(ShareKeysMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        const SecureAggregationPhase phase = SecureAggregationPhase.ShareKeys;
        lock (_gate)
        {
            int sender = message.Sender;
            if (!Admit(phase, message.RoundId, sender)) return false;
            if (!_advertised[sender]) return Reject(sender, phase, "sender did not advertise keys in time");
            int expected = 0;
            foreach (int j in _graph.NeighboursOf(sender)) if (_advertised[j]) expected++;
            var recipients = new HashSet<int>();
            foreach (var share in message.Shares)
            {
                if (share.RoundId != RoundId) return Reject(sender, phase, $"a share is for round {share.RoundId}");
                if (share.Sender != sender) return Reject(sender, phase, $"a share claims sender {share.Sender}");
                if (!_graph.AreNeighbours(sender, share.Recipient)) return Reject(sender, phase, $"a share is addressed to client {share.Recipient}, not a neighbour");
                if (!_advertised[share.Recipient]) return Reject(sender, phase, $"a share is addressed to client {share.Recipient}, which did not advertise keys");
                if (share.Ciphertext is null || share.Ciphertext.Length != ShareCipher.CiphertextBytes)
                    return Reject(sender, phase, $"the share for client {share.Recipient} is not {ShareCipher.CiphertextBytes} bytes");
                if (!recipients.Add(share.Recipient)) return Reject(sender, phase, $"two shares for client {share.Recipient}");
            }
            if (recipients.Count != expected) return Reject(sender, phase, $"{recipients.Count} shares for {expected} neighbours");
            if (_shares.TryGetValue(sender, out var earlier))
            {
                if (SameShares(earlier, message)) return true;
                _shares.Remove(sender);
                return Conflict(sender, phase, "two different share messages");
            }
            _shares[sender] = message;
            return true;
        }
    }

    /// <summary>Ends phase 1: U2 = clients whose shares were accepted, less any left with fewer than t − 1 such neighbours.</summary>
    public bool CloseShareKeys()
    {
        const SecureAggregationPhase phase = SecureAggregationPhase.ShareKeys;
        lock (_gate)
        {
            if (!Close(phase)) return false;
            foreach (int c in _shares.Keys) _shared[c] = _advertised[c];
            Prune(_shared, phase, "shared keys");
            return Advance(_shared, phase, SecureAggregationPhase.MaskedInput);
        }
    }

    /// <summary>Phase 1 → 2 message for a client in U2: the ciphertexts its U2 neighbours addressed to it.</summary>
    public ShareBundle SharesFor(int client)
    {
        lock (_gate)
        {
            RequireMember(client, _shared, SecureAggregationPhase.MaskedInput);
            var list = new List<EncryptedShare>(_graph.Degree);
            foreach (int j in _graph.NeighboursOf(client))
            {
                if (!_shared[j]) continue;
                foreach (var share in _shares[j].Shares)
                    if (share.Recipient == client) { list.Add(share); break; }
            }
            return new ShareBundle(RoundId, client, list);
        }
    }

    // ---------------- Phase 2: masked input ----------------

    /// <summary>Accepts a masked input of the right length, values below 2^b, from a client in U2.</summary>
    public bool ReceiveMaskedInput(MaskedInput message)
    {
        ArgumentNullException.ThrowIfNull(message);
        const SecureAggregationPhase phase = SecureAggregationPhase.MaskedInput;
        lock (_gate)
        {
            int sender = message.Sender;
            if (!Admit(phase, message.RoundId, sender)) return false;
            if (!_shared[sender]) return Reject(sender, phase, "sender is not a survivor of the share-keys phase");
            var values = message.Values;
            if (values is null || values.Length != _options.MaskedVectorLength)
                return Reject(sender, phase, $"masked input has {values?.Length ?? 0} values, expected {_options.MaskedVectorLength}");
            uint mask = FixedPointEncoder.ModulusMask(_options.BitWidth);
            if (mask != uint.MaxValue && System.Numerics.Tensors.TensorPrimitives.Max<uint>(values) > mask)
                return Reject(sender, phase, $"masked input holds values outside Z_2^{_options.BitWidth}");
            if (_inputs.TryGetValue(sender, out var earlier))
            {
                if (earlier.Values.AsSpan().SequenceEqual(values)) return true;
                _inputs.Remove(sender);
                return Conflict(sender, phase, "two different masked inputs");
            }
            _inputs[sender] = message;
            return true;
        }
    }

    /// <summary>
    /// Ends phase 2: U3 = clients whose masked inputs were accepted. Aborts unless every client whose
    /// secret must be rebuilt (b_i for i in U3, s_j^SK for j in U2 \ U3 with a neighbour in U3) has at
    /// least t share holders in U3 (its neighbours there, plus itself when it survived).
    /// </summary>
    public bool CloseMaskedInput()
    {
        const SecureAggregationPhase phase = SecureAggregationPhase.MaskedInput;
        lock (_gate)
        {
            if (!Close(phase)) return false;
            foreach (int c in _inputs.Keys) _masked[c] = _shared[c];
            if (!Advance(_masked, phase, SecureAggregationPhase.Unmasking)) return false;
            int threshold = _options.EffectiveThreshold;
            for (int c = 1; c < _shared.Length; c++)
            {
                if (!_shared[c]) continue;
                int holders = CountMembers(c, _masked);
                if (holders == 0 && !_masked[c]) continue; // dropped with no surviving partner: nothing of it to remove
                if (_masked[c]) holders++; // a survivor holds (and reveals) its own share of b
                if (holders < threshold)
                    return Abort(phase, $"client {c} ({(_masked[c] ? "survivor" : "dropped")}) has {holders} share holders left; the threshold is {threshold}");
            }
            return true;
        }
    }

    /// <summary>Phase 2 → 3 message for a client in U3: which of its partners survived and which dropped.</summary>
    public UnmaskRequest UnmaskRequestFor(int client)
    {
        lock (_gate)
        {
            RequireMember(client, _masked, SecureAggregationPhase.Unmasking);
            var surviving = new List<int>();
            var dropped = new List<int>();
            foreach (int j in _graph.NeighboursOf(client))
            {
                if (_masked[j]) surviving.Add(j);
                else if (_shared[j]) dropped.Add(j);
            }
            return new UnmaskRequest(RoundId, client, [.. surviving], [.. dropped]);
        }
    }

    private static bool SameShares(ShareKeysMessage a, ShareKeysMessage b)
    {
        if (a.Shares.Count != b.Shares.Count) return false;
        for (int s = 0; s < a.Shares.Count; s++)
        {
            if (a.Shares[s].Recipient != b.Shares[s].Recipient || !a.Shares[s].Ciphertext.AsSpan().SequenceEqual(b.Shares[s].Ciphertext)) return false;
        }
        return true;
    }

    private int CountMembers(int client, bool[] set)
    {
        int count = 0;
        foreach (int j in _graph.NeighboursOf(client)) if (set[j]) count++;
        return count;
    }
}
