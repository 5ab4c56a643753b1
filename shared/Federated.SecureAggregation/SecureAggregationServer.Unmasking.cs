namespace Federated.SecureAggregation;

public sealed partial class SecureAggregationServer
{
    // ---------------- Phase 3: unmasking ----------------

    /// <summary>
    /// Accepts a survivor's revealed shares when each owner is one of its partners and each share is of
    /// the kind the owner's fate calls for (b for survivors, s^SK for the dropped) — never both.
    /// </summary>
    public bool ReceiveUnmaskResponse(UnmaskResponse message)
    {
        ArgumentNullException.ThrowIfNull(message);
        const SecureAggregationPhase phase = SecureAggregationPhase.Unmasking;
        lock (_gate)
        {
            int sender = message.Sender;
            if (!Admit(phase, message.RoundId, sender)) return false;
            if (!_masked[sender]) return Reject(sender, phase, "sender's masked input was not accepted");
            var owners = new HashSet<int>();
            foreach (var share in message.Shares)
            {
                int owner = share.Owner;
                if (owner != sender && (!_graph.AreNeighbours(sender, owner) || !_shared[owner])) return Reject(sender, phase, $"a share of client {owner}, not a partner");
                var expected = _masked[owner] ? RevealedShareKind.SelfMaskSeed : RevealedShareKind.MaskPrivateKey;
                if (share.Kind != expected) return Reject(sender, phase, $"a {share.Kind} share of client {owner}, whose fate calls for {expected}");
                if (share.Share is null || share.Share.Length != ShamirSecretSharing.ShareBytes)
                    return Reject(sender, phase, $"the share of client {owner} is not {ShamirSecretSharing.ShareBytes} bytes");
                if (!owners.Add(owner)) return Reject(sender, phase, $"two shares of client {owner}");
            }
            if (_responses.TryGetValue(sender, out var earlier))
            {
                if (SameResponse(earlier, message)) return true;
                _responses.Remove(sender);
                return Conflict(sender, phase, "two different unmask responses");
            }
            _responses[sender] = message;
            return true;
        }
    }

    /// <summary>
    /// Ends the round: sums the accepted masked inputs, rebuilds b_i for each survivor and s_j^SK for
    /// each dropped client from t shares, removes their masks and decodes. Returns null (and records
    /// why) when too few clients answered or a secret cannot be rebuilt; nothing is revealed then.
    /// </summary>
    public SecureAggregationResult? Finish()
    {
        const SecureAggregationPhase phase = SecureAggregationPhase.Unmasking;
        lock (_gate)
        {
            if (!Close(phase)) return null;
            int responders = 0;
            foreach (int c in _responses.Keys) if (!_conflicting.Contains(c)) responders++;
            if (responders < _options.EffectiveMinimumSurvivors)
                return AbortNull(phase, $"{responders} clients answered the unmask request; at least {_options.EffectiveMinimumSurvivors} are required");

            // Collect shares per owner: the responder's index is the evaluation point the owner used.
            var points = new Dictionary<int, List<int>>();
            var values = new Dictionary<int, List<byte[]>>();
            foreach (var (responder, response) in _responses)
            {
                foreach (var share in response.Shares)
                {
                    if (!points.TryGetValue(share.Owner, out var p))
                    {
                        points[share.Owner] = p = [];
                        values[share.Owner] = [];
                    }
                    p.Add(responder);
                    values[share.Owner].Add(share.Share);
                }
            }

            int threshold = _options.EffectiveThreshold;
            var included = new List<int>();
            var inputs = new List<uint[]>();
            for (int c = 1; c < _masked.Length; c++)
            {
                if (!_masked[c]) continue;
                included.Add(c);
                inputs.Add(_inputs[c].Values);
            }

            // First every seed whose stream must come off the sum (Shamir, then key agreement per
            // pair of a dropped client and a surviving partner), then the streams themselves, the
            // expensive part, in one pass with the sum of the inputs.
            using var masks = new MaskStreams();
            var dropped = new List<(int Client, byte[] MaskKey)>();
            Span<byte> secret = stackalloc byte[ShamirSecretSharing.SecretBytes];
            var weightedSum = new float[_options.VectorLength];
            double totalWeight;
            try
            {
                for (int c = 1; c < _shared.Length; c++)
                {
                    if (!_shared[c]) continue;
                    bool survivor = _masked[c];
                    if (!survivor && CountMembers(c, _masked) == 0) continue;
                    int count = points.TryGetValue(c, out var p) ? p.Count : 0;
                    if (count < threshold)
                        return AbortNull(phase, $"{count} shares of client {c}'s {(survivor ? "self-mask seed" : "mask key")} arrived; the threshold is {threshold}");
                    ShamirSecretSharing.Reconstruct(p!.ToArray(), values[c], threshold, secret);
                    // y_c carries +PRG(b_c).
                    if (survivor) masks.Add(secret, subtract: true);
                    else dropped.Add((c, secret.ToArray()));
                }
                if (AddPairwiseMasks(dropped, masks) is { } problem) return AbortNull(phase, problem);
                totalWeight = UnmaskingPass.Run(inputs, masks, _options, weightedSum);
            }
            catch (SecureAggregationException e)
            {
                return AbortNull(phase, e.Message);
            }
            finally
            {
                secret.Clear();
                foreach (var (_, key) in dropped) System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
            }

            _inputs.Clear();
            _phase = SecureAggregationPhase.Completed;
            return new SecureAggregationResult(weightedSum, totalWeight, [.. included]);
        }
    }

    private static bool SameResponse(UnmaskResponse a, UnmaskResponse b)
    {
        if (a.Shares.Count != b.Shares.Count) return false;
        for (int s = 0; s < a.Shares.Count; s++)
        {
            var x = a.Shares[s];
            var y = b.Shares[s];
            if (x.Owner != y.Owner || x.Kind != y.Kind || !x.Share.AsSpan().SequenceEqual(y.Share)) return false;
        }
        return true;
    }

    // ---------------- shared bookkeeping ----------------

    /// <summary>Common checks of any incoming message: phase open, round, index, not a known conflicting client.</summary>
    private bool Admit(SecureAggregationPhase phase, long roundId, int sender)
    {
        if (_phase == SecureAggregationPhase.Aborted) return Reject(sender, phase, "the round has aborted");
        if (_phase != phase) return Reject(sender, phase, $"arrived while the round is at {_phase}");
        if (roundId != RoundId) return Reject(sender, phase, $"message for round {roundId}, this is round {RoundId}");
        if (sender < 1 || sender > _options.ClientCount) return Reject(sender, phase, $"client index outside 1..{_options.ClientCount}");
        if (_conflicting.Contains(sender)) return Reject(sender, phase, "client was dropped for conflicting messages");
        return true;
    }

    private bool Reject(int client, SecureAggregationPhase phase, string reason)
    {
        _rejections.Add(new SecureAggregationRejection(client, phase, reason));
        return false;
    }

    /// <summary>Drops a client that contradicted itself; it takes no further part in the round.</summary>
    private bool Conflict(int client, SecureAggregationPhase phase, string reason)
    {
        _conflicting.Add(client);
        _responses.Remove(client);
        if (phase <= SecureAggregationPhase.MaskedInput) _inputs.Remove(client);
        return Reject(client, phase, reason + "; the client is treated as dropped");
    }

    private bool Close(SecureAggregationPhase phase)
    {
        if (_phase == SecureAggregationPhase.Aborted) return false;
        if (_phase != phase) throw new InvalidOperationException($"The round is at {_phase}; {phase} cannot be closed.");
        return true;
    }

    /// <summary>Removes conflicting clients, then repeatedly those with fewer than t neighbours left in the set (Bonawitz et al.'s per-round check, per neighbourhood).</summary>
    private void Prune(bool[] set, SecureAggregationPhase phase, string what)
    {
        foreach (int c in _conflicting) set[c] = false;
        int threshold = _options.EffectiveThreshold;
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int c = 1; c < set.Length; c++)
            {
                if (!set[c]) continue;
                int left = CountMembers(c, set);
                if (left >= threshold) continue;
                set[c] = false;
                changed = true;
                Reject(c, phase, $"only {left} neighbours {what}; the threshold is {threshold}, so the client is left out");
            }
        }
    }

    private bool Advance(bool[] set, SecureAggregationPhase phase, SecureAggregationPhase next)
    {
        foreach (int c in _conflicting) set[c] = false;
        int count = 0;
        for (int c = 1; c < set.Length; c++) if (set[c]) count++;
        if (count < _options.EffectiveMinimumSurvivors)
            return Abort(phase, $"{count} clients remain after {phase}; at least {_options.EffectiveMinimumSurvivors} are required");
        _phase = next;
        return true;
    }

    private bool Abort(SecureAggregationPhase phase, string reason)
    {
        _phase = SecureAggregationPhase.Aborted;
        AbortReason = $"Round {RoundId} aborted in {phase}: {reason}.";
        _inputs.Clear();
        _responses.Clear();
        return false;
    }

    private SecureAggregationResult? AbortNull(SecureAggregationPhase phase, string reason)
    {
        Abort(phase, reason);
        return null;
    }

    private void RequireMember(int client, bool[] set, SecureAggregationPhase phase)
    {
        if (_phase != phase) throw new InvalidOperationException($"The round is at {_phase}; messages of {phase} are not ready.");
        if (client < 1 || client > _options.ClientCount || !set[client])
            throw new ArgumentException($"Client {client} is not in the round at {phase}.", nameof(client));
    }
}
