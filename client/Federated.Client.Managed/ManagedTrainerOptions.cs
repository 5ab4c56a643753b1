namespace Federated.Client.Managed;

/// <summary>How a <see cref="ManagedTrainer"/> trains; the round's <c>TrainingConfig</c> supplies the rest.</summary>
public sealed class ManagedTrainerOptions
{
    /// <summary>Which parameters a fit changes; the default trains every layer.</summary>
    public TrainingScope Scope { get; init; } = TrainingScope.AllLayers;

    /// <summary>
    /// Examples per forward pass when evaluating or computing frozen features. Memory grows with
    /// it times the widest layer (a 64×24×24 convolution output is 147 KB per example).
    /// </summary>
    public int InferenceBatchSize { get; init; } = 64;

    /// <summary>Throws with the offending property's name when a value is out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Scope))
            throw new ArgumentOutOfRangeException(nameof(Scope), Scope, "Scope must be AllLayers or LastLayer.");
        if (InferenceBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(InferenceBatchSize), InferenceBatchSize, "InferenceBatchSize must be at least 1.");
    }
}
