using Federated.Shared.Parameters;

namespace Federated.Client.Managed.Internal;

/// <summary>What <see cref="LocalTraining"/> produced, before it becomes a <c>FitOutcome</c>.</summary>
/// <param name="Delta">Local minus global parameters.</param>
/// <param name="Loss">Mean training loss over the last epoch (as the batches saw it, dropout on).</param>
/// <param name="Accuracy">Training accuracy over the last epoch.</param>
/// <param name="Steps">Optimizer steps over all epochs.</param>
/// <param name="TrainSeconds">Time in the epochs, without set-up or frozen features.</param>
/// <param name="FeatureSeconds">Time computing the frozen trunk's features (0 without one).</param>
/// <param name="TrainedParameters">How many parameters the fit was allowed to change.</param>
internal sealed record TrainingResult(
    ParameterBuffer Delta, double Loss, double Accuracy, int Steps, double TrainSeconds, double FeatureSeconds, int TrainedParameters);
