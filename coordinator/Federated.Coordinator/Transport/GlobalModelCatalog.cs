using System.Globalization;
using Federated.Coordinator.Persistence;
using Federated.Shared.Serialization;

namespace Federated.Coordinator.Transport;

/// <summary>What <see cref="GlobalModelCatalog.FindAsync"/> found for a requested round.</summary>
public abstract record GlobalModelLookup
{
    /// <param name="File">The checked model file, as stored.</param>
    /// <param name="Header">Its header (framing and checksum already verified).</param>
    /// <param name="LatestRound">The latest completed round at the time of the lookup.</param>
    public sealed record Found(long Round, byte[] File, ModelFileHeader Header, long LatestRound) : GlobalModelLookup;

    /// <summary>No such round (or no round finished yet, for "latest").</summary>
    public sealed record Unknown(string Reason) : GlobalModelLookup;

    /// <summary>The round exists but has no model: it is running, or it failed.</summary>
    public sealed record NoModel(string Reason) : GlobalModelLookup;

    /// <summary>The round's checkpoint is missing or damaged in the store.</summary>
    public sealed record Damaged(string Reason) : GlobalModelLookup;
}

/// <summary>
/// Finds the global model a finished round produced, from the persisted rounds and checkpoints, for
/// deployment outside the federation (edge export). Reads only the store, so it also serves a
/// coordinator that resumed from a database, and every answer names the rounds that do exist.
/// </summary>
public sealed class GlobalModelCatalog(ICoordinatorStore store)
{
    /// <summary>Looks up the output model of <paramref name="round"/>; 0 or less means the latest completed round.</summary>
    public async Task<GlobalModelLookup> FindAsync(long round, CancellationToken cancellationToken = default)
    {
        var rounds = await store.GetRoundsAsync(cancellationToken).ConfigureAwait(false);
        RoundRecord? latest = null;
        for (int i = rounds.Count - 1; i >= 0 && latest is null; i--)
        {
            if (rounds[i] is { Status: RoundStatus.Completed, OutputModelHash: not null }) latest = rounds[i];
        }

        RoundRecord record;
        if (round <= 0)
        {
            if (latest is null)
                return new GlobalModelLookup.Unknown(rounds.Count == 0
                    ? "No round has started yet, so there is no global model to fetch."
                    : string.Create(CultureInfo.InvariantCulture, $"No round has completed yet (round {rounds[^1].Round} is {Describe(rounds[^1].Status)})."));
            record = latest;
        }
        else
        {
            RoundRecord? match = null;
            foreach (var candidate in rounds)
            {
                if (candidate.Round == round) match = candidate;
            }
            if (match is null)
                return new GlobalModelLookup.Unknown(string.Create(CultureInfo.InvariantCulture,
                    $"Round {round} is unknown: {Known(rounds, latest)}."));
            if (match.Status != RoundStatus.Completed || match.OutputModelHash is null)
            {
                string why = match.Status == RoundStatus.Failed && match.FailureReason is { } reason ? $"failed ({reason})" : Describe(match.Status);
                return new GlobalModelLookup.NoModel(string.Create(CultureInfo.InvariantCulture,
                    $"Round {round} {why} and has no global model; {Known(rounds, latest)}."));
            }
            record = match;
        }

        string hash = record.OutputModelHash!;
        byte[]? file = await store.GetModelAsync(hash, cancellationToken).ConfigureAwait(false);
        if (file is null)
            return new GlobalModelLookup.Damaged(string.Create(CultureInfo.InvariantCulture, $"Round {record.Round}'s model {hash} is missing from the coordinator's store."));
        try
        {
            // The coordinator checks its own copy first, so a damaged checkpoint is reported as such, not sent.
            var header = ModelFile.ReadHeader(file, string.Create(CultureInfo.InvariantCulture, $"the checkpoint of round {record.Round}"));
            if (!string.Equals(header.ContentHash, hash, StringComparison.OrdinalIgnoreCase))
                return new GlobalModelLookup.Damaged(string.Create(CultureInfo.InvariantCulture, $"The checkpoint of round {record.Round} names model {header.ContentHash}, not {hash}."));
            return new GlobalModelLookup.Found(record.Round, file, header, latest!.Round);
        }
        catch (ModelFileException e)
        {
            return new GlobalModelLookup.Damaged(e.Message);
        }
    }

    private static string Describe(RoundStatus status) => status switch
    {
        RoundStatus.Running => "still running",
        RoundStatus.Failed => "failed",
        _ => "completed",
    };

    private static string Known(IReadOnlyList<RoundRecord> rounds, RoundRecord? latest)
    {
        if (rounds.Count == 0) return "no round has started yet";
        string range = string.Create(CultureInfo.InvariantCulture, $"this coordinator has rounds {rounds[0].Round} to {rounds[^1].Round}");
        return latest is null
            ? range + ", none completed"
            : string.Create(CultureInfo.InvariantCulture, $"{range}, the latest completed is {latest.Round}");
    }
}
