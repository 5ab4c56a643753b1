using Federated.Simulations.Scenarios;

namespace Federated.Simulations.Partitioning;

/// <summary>Builds the partitioner a scenario's <see cref="PartitionSpec"/> names.</summary>
public static class PartitionerFactory
{
    /// <summary>The kinds <see cref="Create"/> understands.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["iid", "dirichlet", "shards", "quantity"];

    /// <summary>The partitioner for <paramref name="spec"/>; its kind is matched ignoring case.</summary>
    public static IPartitioner Create(PartitionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string kind = spec.Kind?.Trim() ?? string.Empty;
        if (Is(kind, "iid")) return new IidPartitioner();
        if (Is(kind, "dirichlet")) return new DirichletPartitioner(spec.Alpha, spec.MinExamplesPerClient);
        if (Is(kind, "shards")) return new ShardPartitioner(spec.ShardsPerClient);
        if (Is(kind, "quantity")) return new QuantitySkewPartitioner(spec.Alpha, spec.MinExamplesPerClient);
        throw new ArgumentException($"Unknown partition kind '{spec.Kind}'. Known kinds: {string.Join(", ", Kinds)}.", nameof(spec));
    }

    private static bool Is(string kind, string name) => string.Equals(kind, name, StringComparison.OrdinalIgnoreCase);
}
