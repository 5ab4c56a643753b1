namespace Federated.Client.Managed.Internal;

/// <summary>What a trainable <see cref="Network"/> needs beyond the forward pass.</summary>
/// <param name="FirstTrainedLayer">Architecture index of the first layer whose parameters train; gradients stop there.</param>
/// <param name="Gradients">The flat gradient buffer, in the parameter layout.</param>
/// <param name="Random">Where dropout masks come from.</param>
internal sealed record NetworkTraining(int FirstTrainedLayer, float[] Gradients, UniformSource Random);
