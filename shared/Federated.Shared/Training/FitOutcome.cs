using Federated.Shared.Parameters;

namespace Federated.Shared.Training;

/// <summary>What a local training run produced.</summary>
/// <param name="Delta">Local parameters minus the global ones, in the global model's layout.</param>
/// <param name="ExampleCount">Examples seen per epoch; FedAvg weighs the update by it.</param>
/// <param name="Metrics">For example <c>train_loss</c>, <c>train_accuracy</c>, <c>steps_per_second</c>.</param>
public sealed record FitOutcome(ParameterBuffer Delta, long ExampleCount, IReadOnlyDictionary<string, double> Metrics);
