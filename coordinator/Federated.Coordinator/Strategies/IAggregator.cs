using Federated.Shared.Parameters;

namespace Federated.Coordinator.Strategies;

/// <summary>
/// Folds accepted client updates into one result. Streaming aggregators keep O(model) memory
/// whatever the number of clients. Calls are serialised by the caller.
/// </summary>
public interface IAggregator
{
    /// <summary>Accepted updates so far.</summary>
    int Count { get; }

    /// <summary>Folds in one update (local − global) from a client that trained on <paramref name="exampleCount"/> examples.</summary>
    void Accumulate(ReadOnlySpan<float> delta, long exampleCount);

    /// <summary>The new global model. Throws when nothing was accumulated.</summary>
    ParameterBuffer Finish();
}
