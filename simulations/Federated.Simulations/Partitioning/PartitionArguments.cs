using Federated.Shared.Data;

namespace Federated.Simulations.Partitioning;

/// <summary>Argument checks every partitioner shares, so their messages read the same.</summary>
internal static class PartitionArguments
{
    public static void Check(LabeledDataset data, int clientCount)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (clientCount < 1)
            throw new ArgumentOutOfRangeException(nameof(clientCount), clientCount, "clientCount must be at least 1.");
        if (clientCount > data.Count)
            throw new ArgumentOutOfRangeException(nameof(clientCount), clientCount, $"clientCount ({clientCount}) exceeds the number of examples ({data.Count}); some clients would be empty.");
    }

    public static void CheckAlpha(double alpha)
    {
        if (!(alpha > 0) || double.IsInfinity(alpha))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha (the Dirichlet concentration) must be a finite number greater than 0.");
    }

    public static void CheckMinimum(int minExamplesPerClient)
    {
        if (minExamplesPerClient < 0)
            throw new ArgumentOutOfRangeException(nameof(minExamplesPerClient), minExamplesPerClient, "minExamplesPerClient must be 0 or more.");
    }

    /// <summary>Fails at once when no draw could ever give every client the minimum.</summary>
    public static void CheckMinimumFits(LabeledDataset data, int clientCount, int minExamplesPerClient)
    {
        if ((long)clientCount * minExamplesPerClient > data.Count)
            throw new ArgumentException(
                $"{clientCount} clients with minExamplesPerClient {minExamplesPerClient} need {(long)clientCount * minExamplesPerClient} examples; the dataset has {data.Count}.",
                nameof(clientCount));
    }

    /// <summary>The error after <paramref name="attempts"/> draws all left some client short.</summary>
    public static ArgumentException Incompatible(string partitioner, double alpha, int clientCount, int minExamplesPerClient, int attempts, int smallestSeen) =>
        new($"{partitioner}: {attempts} draws with alpha {alpha.ToString("G", System.Globalization.CultureInfo.InvariantCulture)} over {clientCount} clients " +
            $"all left some client with fewer than minExamplesPerClient {minExamplesPerClient} examples (the best draw's smallest client had {smallestSeen}). " +
            "alpha, clientCount and minExamplesPerClient are incompatible: raise alpha, use fewer clients or lower the minimum.");
}
