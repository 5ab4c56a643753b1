namespace Federated.Client.Managed.Internal;

/// <summary>What a trainable <see cref="Network"/> needs beyond the forward pass.</summary>
/// <param name="FirstTrainedLayer">Architecture index of the first layer whose parameters train; gradients stop there.</param>
/// <param name="Gradients">
/// Gradients of the trained parameters only: the tail of the flat layout from
/// <paramref name="GradientOffset"/> on (layouts list tensors in layer order, so trained
/// tensors are contiguous). A head fine-tuned on a big frozen trunk needs no trunk-sized buffer.
/// </param>
/// <param name="GradientOffset">The layout position of <c>Gradients[0]</c>.</param>
/// <param name="Random">Where dropout masks come from.</param>
internal sealed record NetworkTraining(int FirstTrainedLayer, float[] Gradients, int GradientOffset, UniformSource Random);
