using Federated.Shared.Data;

namespace Federated.Simulations.Partitioning;

/// <summary>
/// Splits a labelled dataset among virtual clients. A partition is only indices into the shared
/// dataset, so thousands of clients cost their index arrays and nothing more.
/// </summary>
public interface IPartitioner
{
    /// <summary>Short name for reports, e.g. <c>dirichlet(0.5)</c>.</summary>
    string Name { get; }

    /// <summary>Indices of <paramref name="data"/> per client; deterministic for a seed.</summary>
    int[][] Partition(LabeledDataset data, int clientCount, int seed);
}
