namespace Federated.Trust.Statements;

/// <summary>
/// What a client's signature on an update vouches for. Binding the client, the task and the round
/// means a captured signature cannot be replayed for another client, task or round; binding the
/// payload's SHA-256 means the update cannot be altered in transit.
/// </summary>
/// <param name="Codec">The codec's name the payload is encoded with.</param>
/// <param name="PayloadSha256">Lower-case hex SHA-256 of the payload as uploaded.</param>
public sealed record UpdateStatement(string ClientId, string TaskId, long Round, string Codec, string PayloadSha256)
{
    private const string Type = "federated-update-statement/1";

    /// <summary>The statement for <paramref name="payload"/>, hashing it.</summary>
    public static UpdateStatement For(string clientId, string taskId, long round, string codec, ReadOnlySpan<byte> payload) =>
        new(clientId, taskId, round, codec, StatementDigest.Sha256Hex(payload));

    public byte[] ToCanonicalBytes() => new StatementText(Type)
        .Add("client-id", ClientId)
        .Add("task-id", TaskId)
        .Add("round", Round)
        .Add("codec", Codec)
        .Add("payload-sha256", PayloadSha256.ToLowerInvariant())
        .ToBytes();
}
