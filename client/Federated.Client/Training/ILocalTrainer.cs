using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Training;

namespace Federated.Client.Training;

/// <summary>
/// Trains and evaluates a model on data that stays on this client. Implementations own their
/// data; the task loop only hands them the global model and the round's configuration.
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

/// <summary>What a local training run produced.</summary>
/// <param name="Delta">Local parameters minus the global ones, in the global model's layout.</param>
/// <param name="ExampleCount">Examples seen per epoch; FedAvg weighs the update by it.</param>
/// <param name="Metrics">For example <c>train_loss</c>, <c>train_accuracy</c>, <c>steps_per_second</c>.</param>
public sealed record FitOutcome(ParameterBuffer Delta, long ExampleCount, IReadOnlyDictionary<string, double> Metrics);

/// <summary>What a local evaluation produced.</summary>
/// <param name="Metrics">At least <c>loss</c> and <c>accuracy</c>.</param>
public sealed record EvaluationOutcome(long ExampleCount, double Loss, double Accuracy, IReadOnlyDictionary<string, double> Metrics);
