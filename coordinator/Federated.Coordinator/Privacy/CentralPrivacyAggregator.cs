using System.Numerics.Tensors;
using Federated.Coordinator.Strategies;
using Federated.Shared.Parameters;
using Federated.Shared.Privacy;

namespace Federated.Coordinator.Privacy;

/// <summary>
/// Central DP around any FedAvg-family strategy (DP-FedAvg: McMahan, Ramage, Talwar &amp; Zhang 2018,
/// "Learning Differentially Private Recurrent Language Models", Algorithm 1 with the fixed-denominator
/// estimator): each update is clipped to C and summed with weight 1, whatever its example count (a
/// client's say must not depend on what it claims); at the end N(0, (z_Δ·C)²) noise goes on the sum,
/// which is divided by the number of clients selected (fixed before any result arrives, so it reveals
/// nothing), and the wrapped strategy's aggregator gets that noised mean as its only update. Streaming:
/// one model-sized sum, whatever the number of clients.
/// </summary>
internal sealed class CentralPrivacyAggregator : IAggregator, IDisposable
{
    private readonly IAggregator _inner;
    private readonly float[] _sum;
    private readonly double _clipNorm;
    private readonly double _noiseStdDev;
    private readonly int _denominator;
    private readonly GaussianNoise _noise;
    private ParameterBuffer? _next;

    public CentralPrivacyAggregator(IAggregator inner, int modelLength, double clipNorm, double noiseStdDev, int denominator, GaussianNoise noise)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(denominator);
        _inner = inner;
        _sum = new float[modelLength];
        _clipNorm = clipNorm;
        _noiseStdDev = noiseStdDev;
        _denominator = denominator;
        _noise = noise;
    }

    public int Count => Tally.Updates;

    /// <summary>What the round's clipping saw; outlives the aggregator, which its round disposes.</summary>
    public ClipTally Tally { get; } = new();

    public void Accumulate(ReadOnlySpan<float> delta, long exampleCount)
    {
        if (_next is not null) throw new InvalidOperationException("The round's DP aggregate is already finished; it takes no more updates.");
        if (delta.Length != _sum.Length)
            throw new ArgumentException($"The update has {delta.Length} values; the model has {_sum.Length}.", nameof(delta));
        // sum += min(1, C/‖Δ‖) · Δ, without copying the update.
        double norm = L2Clipping.Norm(delta);
        float scale = norm <= _clipNorm ? 1f : MathF.BitDecrement((float)(_clipNorm / norm));
        if (norm <= _clipNorm) Tally.WithinClipNorm++;
        TensorPrimitives.MultiplyAdd(delta, scale, _sum, _sum);
        Tally.Updates++;
    }

    public ParameterBuffer Finish()
    {
        if (_next is not null) return _next;
        if (Count == 0) throw new InvalidOperationException("Central DP cannot finish a round without any accepted update.");
        _noise.AddTo(_sum, _noiseStdDev);
        TensorPrimitives.Multiply(_sum, 1f / _denominator, _sum);
        _inner.Accumulate(_sum, 1);
        _next = _inner.Finish();
        return _next;
    }

    public void Dispose() => (_inner as IDisposable)?.Dispose();
}

/// <summary>Updates a central-DP round clipped, and how many of them were already within the bound (adaptive clipping counts those).</summary>
internal sealed class ClipTally
{
    public int Updates { get; set; }

    public int WithinClipNorm { get; set; }
}
