using Federated.SecureAggregation;

namespace Federated.Tests.SecureAggregation;

public class NeighbourGraphTests
{
    private static byte[] Seed(int value)
    {
        var seed = new byte[32];
        new Random(value).NextBytes(seed);
        return seed;
    }

    [Theory]
    [InlineData(10, 4)]
    [InlineData(50, 12)]
    [InlineData(101, 14)]
    public void Graph_is_k_regular_symmetric_and_loop_free(int n, int k)
    {
        var graph = NeighbourGraph.Create(Seed(1), n, k);
        for (int c = 1; c <= n; c++)
        {
            var neighbours = graph.NeighboursOf(c);
            Assert.Equal(k, neighbours.Length);
            Assert.Equal(k, new HashSet<int>(neighbours.ToArray()).Count);
            foreach (int j in neighbours)
            {
                Assert.NotEqual(c, j);
                Assert.True(graph.AreNeighbours(j, c), $"{c}→{j} but not {j}→{c}");
            }
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_graph_and_another_seed_another()
    {
        var a = NeighbourGraph.Create(Seed(1), 50, 12);
        var b = NeighbourGraph.Create(Seed(1), 50, 12);
        var c = NeighbourGraph.Create(Seed(2), 50, 12);
        bool anyDifferent = false;
        for (int i = 1; i <= 50; i++)
        {
            Assert.Equal(a.NeighboursOf(i).ToArray(), b.NeighboursOf(i).ToArray());
            anyDifferent |= !a.NeighboursOf(i).SequenceEqual(c.NeighboursOf(i));
        }
        Assert.True(anyDifferent);
    }

    [Fact]
    public void Degree_n_minus_one_is_the_complete_graph()
    {
        var graph = NeighbourGraph.Create(Seed(3), 9, 8);
        for (int i = 1; i <= 9; i++)
            for (int j = 1; j <= 9; j++)
                Assert.Equal(i != j, graph.AreNeighbours(i, j));
    }

    [Fact]
    public void Odd_degree_below_n_minus_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NeighbourGraph.Create(Seed(4), 10, 5));
    }

    [Fact]
    public void Neighbourhoods_are_not_index_bands()
    {
        // The ring runs over a permutation: client 1's neighbours are not simply 2, 3, n, n − 1.
        var graph = NeighbourGraph.Create(Seed(5), 100, 4);
        Assert.NotEqual([2, 3, 99, 100], graph.NeighboursOf(1).ToArray());
    }
}
