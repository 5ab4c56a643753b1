using System.Numerics.Tensors;

namespace Federated.Client.Managed.Internal;

/// <summary>
/// PyTorch's <c>cross_entropy</c> on raw scores: the mean over the batch of
/// log Σⱼ exp(zⱼ) − z_label, through the max-shifted log-sum-exp so no exponent overflows.
/// </summary>
internal static class SoftmaxCrossEntropy
{
    /// <summary>
    /// Scores one batch; with a non-empty <paramref name="scoreGradient"/> also writes
    /// ∂(mean loss)/∂scores = (softmax − one-hot) / batch. Returns the summed (not mean) loss and
    /// how many examples' highest score (first on ties, as argmax) is their label.
    /// </summary>
    public static (double LossSum, int Correct) Evaluate(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, int classes, Span<float> scoreGradient)
    {
        int batch = labels.Length;
        if (scores.Length < batch * classes) throw new ArgumentException($"{batch} examples of {classes} scores need {batch * classes} values.", nameof(scores));
        bool withGradient = !scoreGradient.IsEmpty;
        double lossSum = 0;
        int correct = 0;
        float perExample = 1f / batch;
        for (int row = 0; row < batch; row++)
        {
            ReadOnlySpan<float> z = scores.Slice(row * classes, classes);
            int label = labels[row];
            float max = TensorPrimitives.Max(z);
            if (TensorPrimitives.IndexOfMax(z) == label) correct++;
            float sum = withGradient ? ShiftedExponentials(z, max, scoreGradient.Slice(row * classes, classes)) : SumOfShiftedExponentials(z, max);
            lossSum += max + MathF.Log(sum) - z[label];
            if (!withGradient) continue;
            Span<float> gradient = scoreGradient.Slice(row * classes, classes);
            TensorPrimitives.Multiply(gradient, perExample / sum, gradient);
            gradient[label] -= perExample;
        }
        return (lossSum, correct);
    }

    /// <summary>Writes exp(z − max) into <paramref name="destination"/> and returns its sum.</summary>
    private static float ShiftedExponentials(ReadOnlySpan<float> z, float max, Span<float> destination)
    {
        TensorPrimitives.Subtract(z, max, destination);
        TensorPrimitives.Exp(destination, destination);
        return TensorPrimitives.Sum(destination);
    }

    /// <summary>Σ exp(z − max) without a destination (evaluation), through a small stack buffer per chunk.</summary>
    private static float SumOfShiftedExponentials(ReadOnlySpan<float> z, float max)
    {
        Span<float> chunk = stackalloc float[64];
        float sum = 0;
        for (int start = 0; start < z.Length; start += chunk.Length)
        {
            int count = Math.Min(chunk.Length, z.Length - start);
            sum += ShiftedExponentials(z.Slice(start, count), max, chunk[..count]);
        }
        return sum;
    }
}
