namespace Federated.Shared.Training;

/// <summary>What a local evaluation produced.</summary>
/// <param name="Metrics">At least <c>loss</c> and <c>accuracy</c>.</param>
public sealed record EvaluationOutcome(long ExampleCount, double Loss, double Accuracy, IReadOnlyDictionary<string, double> Metrics);
