namespace Federated.Tests.ManagedTraining;

/// <summary>
/// Full-batch SGD on multinomial logistic regression written out in double precision straight
/// from the formulas (∂W = (softmax − one-hot)·xᵀ / N), to check the managed trainer against.
/// </summary>
internal sealed class LogisticRegressionReference(int features, int classes)
{
    /// <summary>Runs <paramref name="steps"/> PyTorch-style SGD steps from <paramref name="start"/> ([W row-major, b]) and returns the end point.</summary>
    public double[] Train(ReadOnlySpan<float> start, ReadOnlySpan<float> x, ReadOnlySpan<int> labels, int steps, double learningRate, double momentum, double weightDecay, double mu)
    {
        int count = labels.Length;
        var w = new double[start.Length];
        for (int i = 0; i < w.Length; i++) w[i] = start[i];
        var anchor = (double[])w.Clone();
        var velocity = new double[w.Length];
        for (int step = 0; step < steps; step++)
        {
            var gradient = new double[w.Length];
            for (int n = 0; n < count; n++)
            {
                double[] p = Softmax(w, x.Slice(n * features, features));
                for (int c = 0; c < classes; c++)
                {
                    double error = (p[c] - (labels[n] == c ? 1 : 0)) / count;
                    for (int f = 0; f < features; f++) gradient[c * features + f] += error * x[n * features + f];
                    gradient[classes * features + c] += error;
                }
            }
            for (int i = 0; i < w.Length; i++)
            {
                double g = gradient[i] + mu * (w[i] - anchor[i]) + weightDecay * w[i];
                velocity[i] = step == 0 ? g : momentum * velocity[i] + g;
                w[i] -= learningRate * (momentum != 0 ? velocity[i] : g);
            }
        }
        return w;
    }

    private double[] Softmax(double[] w, ReadOnlySpan<float> example)
    {
        var z = new double[classes];
        for (int c = 0; c < classes; c++)
        {
            z[c] = w[classes * features + c];
            for (int f = 0; f < features; f++) z[c] += w[c * features + f] * example[f];
        }
        double max = z.Max(), sum = 0;
        for (int c = 0; c < classes; c++) sum += z[c] = Math.Exp(z[c] - max);
        for (int c = 0; c < classes; c++) z[c] /= sum;
        return z;
    }
}
