namespace Federated.SecureAggregation;

/// <summary>
/// A party refuses to go on with a secure-aggregation round: a message was for another round or
/// another recipient, lists were inconsistent, or too few parties are left for the threshold.
/// The message says which; <see cref="Phase"/> says where.
/// </summary>
public sealed class SecureAggregationException : Exception
{
    public SecureAggregationException(SecureAggregationPhase phase, string message) : base(message) => Phase = phase;

    public SecureAggregationException(SecureAggregationPhase phase, string message, Exception inner) : base(message, inner) => Phase = phase;

    public SecureAggregationException(string message) : base(message) { }

    public SecureAggregationException(string message, Exception inner) : base(message, inner) { }

    public SecureAggregationException() { }

    /// <summary>The phase whose input was refused.</summary>
    public SecureAggregationPhase Phase { get; }
}
