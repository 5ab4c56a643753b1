namespace Federated.Client.Managed;

/// <summary>Which of the model's parameters a fit changes.</summary>
public enum TrainingScope
{
    /// <summary>Every layer trains (the usual federated fit).</summary>
    AllLayers,

    /// <summary>
    /// Only the last layer with parameters trains — fine-tuning the classifier head of a shipped
    /// feature extractor. Every other tensor's delta is exactly zero. The frozen layers run in
    /// inference mode (dropout off), once per example per fit: their outputs are cached, so each
    /// epoch costs only the head. Dropout directly before the head still applies while training.
    /// </summary>
    LastLayer,
}
