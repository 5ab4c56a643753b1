using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Shared.Training;

/// <summary>
/// Trains and evaluates a model on data that stays on this client. Implementations own their
/// data; the task loop only hands them the global model and the round's configuration.
/// The contract lives in shared so trainers with no client-SDK dependencies (the managed,
/// AOT-safe trainer for phones) implement it directly.
/// </summary>
public interface ILocalTrainer
{
    /// <summary>
    /// Trains from <paramref name="global"/> and returns the update (local − global), the number
    /// of examples it trained on, and training metrics. Must not modify <paramref name="global"/>.
    /// </summary>
    Task<FitOutcome> FitAsync(ModelArchitecture architecture, ParameterBuffer global, TrainingConfig config, CancellationToken cancellationToken);

    /// <summary>Evaluates <paramref name="parameters"/> on the client's held-out data.</summary>
    Task<EvaluationOutcome> EvaluateAsync(ModelArchitecture architecture, ParameterBuffer parameters, CancellationToken cancellationToken);
}
