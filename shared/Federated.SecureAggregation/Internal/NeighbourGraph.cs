using System.Security.Cryptography;
using System.Text;

namespace Federated.SecureAggregation;

/// <summary>
/// The SecAgg+ communication graph (Bell et al. 2020, §3.1 and Appendix: a Harary graph H(k, n) over
/// a random relabelling of the clients). Positions 0..n−1 on a ring get a pseudorandom permutation of
/// the client indices 1..n (Fisher–Yates driven by AES-CTR keyed from the public seed); each position
/// is joined to the k/2 positions on either side. Every client has exactly k neighbours, the relation
/// is symmetric, and anyone holding the seed derives the same graph. k = n − 1 is the complete graph
/// (classic SecAgg). Immutable after construction.
/// </summary>
internal sealed class NeighbourGraph
{
    public const int SeedBytes = 32;
    private static readonly byte[] PermutationLabel = Encoding.ASCII.GetBytes("federated/secagg/v1/graph-permutation");

    private readonly int[][] _neighbours;

    private NeighbourGraph(int clientCount, int degree, int[][] neighbours)
    {
        ClientCount = clientCount;
        Degree = degree;
        _neighbours = neighbours;
    }

    public int ClientCount { get; }

    public int Degree { get; }

    /// <summary>Derives the graph for n clients of degree k (k = n − 1, or even and below n − 1).</summary>
    public static NeighbourGraph Create(ReadOnlySpan<byte> seed, int clientCount, int degree)
    {
        if (seed.Length != SeedBytes) throw new ArgumentException($"The graph seed is {SeedBytes} bytes (was {seed.Length}).", nameof(seed));
        ArgumentOutOfRangeException.ThrowIfLessThan(clientCount, 2);
        if (degree < 1 || degree > clientCount - 1 || (degree != clientCount - 1 && degree % 2 != 0))
            throw new ArgumentOutOfRangeException(nameof(degree), degree, "The degree must be n − 1, or even and below n − 1.");

        var neighbours = new int[clientCount][];
        if (degree == clientCount - 1)
        {
            for (int c = 1; c <= clientCount; c++)
            {
                var list = new int[degree];
                for (int j = 1, w = 0; j <= clientCount; j++) if (j != c) list[w++] = j;
                neighbours[c - 1] = list;
            }
            return new NeighbourGraph(clientCount, degree, neighbours);
        }

        int[] ring = Permutation(seed, clientCount);
        int half = degree / 2;
        for (int p = 0; p < clientCount; p++)
        {
            var list = new int[degree];
            for (int d = 1; d <= half; d++)
            {
                list[2 * d - 2] = ring[(p + d) % clientCount];
                list[2 * d - 1] = ring[(p - d + clientCount) % clientCount];
            }
            Array.Sort(list);
            neighbours[ring[p] - 1] = list;
        }
        return new NeighbourGraph(clientCount, degree, neighbours);
    }

    /// <summary>The sorted neighbour indices of a client (1-based).</summary>
    public ReadOnlySpan<int> NeighboursOf(int client)
    {
        if (client < 1 || client > ClientCount) throw new ArgumentOutOfRangeException(nameof(client), client, $"Client indices run 1..{ClientCount}.");
        return _neighbours[client - 1];
    }

    public bool AreNeighbours(int a, int b) =>
        a >= 1 && a <= ClientCount && b >= 1 && b <= ClientCount && Array.BinarySearch(_neighbours[a - 1], b) >= 0;

    /// <summary>A uniform permutation of 1..n: Fisher–Yates with Lemire's unbiased bounded draws.</summary>
    private static int[] Permutation(ReadOnlySpan<byte> seed, int n)
    {
        Span<byte> key = stackalloc byte[MaskGenerator.SeedBytes];
        // Domain-separate the public seed from any other use of it as an AES key.
        HMACSHA256.HashData(seed, PermutationLabel, key);
        // Rejections are rare (probability ≤ n / 2^32 per draw); 4n + 64 words is far more than ever needed.
        var words = new uint[4 * n + 64];
        using (var generator = new MaskGenerator()) generator.Fill(key, words);
        int next = 0;

        var ring = new int[n];
        for (int i = 0; i < n; i++) ring[i] = i + 1;
        for (int i = n - 1; i > 0; i--)
        {
            uint bound = (uint)(i + 1);
            ulong product = (ulong)words[next++] * bound;
            if ((uint)product < bound)
            {
                uint rejectBelow = (0u - bound) % bound;
                while ((uint)product < rejectBelow)
                {
                    if (next == words.Length) throw new InvalidOperationException("The graph permutation ran out of random words.");
                    product = (ulong)words[next++] * bound;
                }
            }
            int j = (int)(product >> 32);
            (ring[i], ring[j]) = (ring[j], ring[i]);
        }
        return ring;
    }
}
