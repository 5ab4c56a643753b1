using Federated.Shared.Parameters;

namespace Federated.Coordinator.Strategies;

/// <summary>
/// A strategy that can build a later round's aggregate in the array of a global model the coordinator
/// no longer uses, instead of allocating a fresh model-sized (large-object-heap) array every round.
/// </summary>
internal interface IReusesRetiredModels
{
    /// <summary>
    /// Takes <paramref name="retired"/>'s array for reuse. The caller guarantees that nothing reads the
    /// model any more: it is neither served, nor the global model of a round, nor being evaluated.
    /// </summary>
    void Reuse(ParameterBuffer retired);
}
