namespace Federated.SecureAggregation;

/// <summary>
/// Before phase 0, coordinator → one selected client, with its training task: everything the client
/// needs to build its <see cref="SecureAggregationClient"/> — the round, its index (1..n), the public
/// neighbour-graph seed (<see cref="SecureAggregationServer.GraphSeed"/>, 32 bytes) and the options
/// every party must agree on.
/// </summary>
public sealed record SecureAggregationSetup(long RoundId, int ClientIndex, byte[] GraphSeed, SecureAggregationOptions Options);
