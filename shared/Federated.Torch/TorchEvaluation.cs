namespace Federated.Torch;

/// <summary>A model's quality on a dataset.</summary>
/// <param name="Loss">Mean cross-entropy per example (natural log).</param>
/// <param name="Accuracy">Fraction of examples whose highest score is their label.</param>
/// <param name="Count">Examples evaluated.</param>
public readonly record struct TorchEvaluation(double Loss, double Accuracy, long Count);
