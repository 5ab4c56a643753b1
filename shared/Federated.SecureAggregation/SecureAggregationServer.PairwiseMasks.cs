using System.Security.Cryptography;
using NSec.Cryptography;

namespace Federated.SecureAggregation;

public sealed partial class SecureAggregationServer
{
    /// <summary>
    /// Adds the pairwise mask of each dropped client c with each surviving partner j, derived from c's
    /// rebuilt mask key s_c^SK and j's public key. One X25519 agreement and HKDF per pair is most of
    /// the cost of rebuilding the secrets, so dropped clients are spread over the cores; the streams go
    /// into <paramref name="masks"/> in a fixed order. Returns why a rebuilt key is unusable, or null.
    /// </summary>
    private string? AddPairwiseMasks(List<(int Client, byte[] MaskKey)> dropped, MaskStreams masks)
    {
        var partners = new int[dropped.Count][];
        var seeds = new byte[dropped.Count][];
        var problems = new string?[dropped.Count];
        try
        {
            SharedLoop.Run(dropped.Count, d => problems[d] = DerivePairwiseSeeds(dropped[d].Client, dropped[d].MaskKey, out partners[d], out seeds[d]));
            foreach (string? problem in problems)
                if (problem is not null) return problem;
            for (int d = 0; d < dropped.Count; d++)
            {
                int client = dropped[d].Client;
                for (int i = 0; i < partners[d].Length; i++)
                {
                    // The partner added +PRG(s) when its index is below the dropped client's, −PRG(s) otherwise; undo that.
                    masks.Add(seeds[d].AsSpan(i * MaskGenerator.SeedBytes, MaskGenerator.SeedBytes), subtract: partners[d][i] < client);
                }
            }
            return null;
        }
        finally
        {
            foreach (var bytes in seeds) if (bytes is not null) CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>s_cj for each partner j of <paramref name="client"/> in U3 (read-only on the round state, so threads may share it).</summary>
    private string? DerivePairwiseSeeds(int client, byte[] maskKeyBytes, out int[] partners, out byte[] seeds)
    {
        var list = new List<int>(_graph.Degree);
        foreach (int partner in _graph.NeighboursOf(client)) if (_masked[partner]) list.Add(partner);
        partners = [.. list];
        seeds = new byte[partners.Length * MaskGenerator.SeedBytes];
        using var maskKey = KeyAgreement.ImportPrivateKey(maskKeyBytes);
        if (!maskKey.PublicKey.Export(KeyBlobFormat.RawPublicKey).AsSpan().SequenceEqual(_keys[client].MaskPublicKey))
            return $"the mask key rebuilt for client {client} does not match its advertised public key";
        try
        {
            for (int i = 0; i < partners.Length; i++)
            {
                var partnerKey = KeyAgreement.TryImportPublicKey(_keys[partners[i]].MaskPublicKey)!;
                KeyAgreement.DerivePairwiseSeed(maskKey, partnerKey, RoundId, seeds.AsSpan(i * MaskGenerator.SeedBytes, MaskGenerator.SeedBytes));
            }
        }
        catch (SecureAggregationException e)
        {
            return e.Message;
        }
        return null;
    }
}
