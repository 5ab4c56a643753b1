using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Coordinator.Evaluation;

/// <summary>
/// Evaluates a global model on a test set held by the coordinator (optional: register one to get
/// <c>central_loss</c> and <c>central_accuracy</c> per round).
/// </summary>
public interface ICentralEvaluator
{
    /// <remarks>
    /// <paramref name="parameters"/> are valid until the returned task completes: once a later round
    /// replaces this model, the coordinator may reuse its array (FedAvg sums the next round into it).
    /// Copy them to keep them.
    /// </remarks>
    Task<CentralEvaluation> EvaluateAsync(ModelArchitecture architecture, ParameterBuffer parameters, CancellationToken cancellationToken);
}

public sealed record CentralEvaluation(double Loss, double Accuracy, long ExampleCount);
