using Federated.Coordinator.Options;
using Federated.Shared.Parameters;

namespace Federated.Coordinator.Strategies;

/// <summary>
/// FedOpt (Reddi et al. 2021, "Adaptive Federated Optimization", Algorithm 2): clients train as in
/// FedAvg; the server treats the example-weighted mean of their deltas, Δ_t, as a pseudo-gradient and
/// steps its own optimizer with it. Streaming (O(model) memory per round); the optimizer's moment
/// vectors live here across rounds and travel through <see cref="SaveState"/> / <see cref="LoadState"/>.
/// </summary>
public abstract class FedOptStrategy : StrategyBase
{
    private float[][]? _moments;

    private protected FedOptStrategy(FederationOptions federation, double serverLearningRate)
        : base(federation)
    {
        if (!(serverLearningRate > 0) || !double.IsFinite(serverLearningRate))
            throw new ArgumentOutOfRangeException(nameof(serverLearningRate), serverLearningRate, $"{StrategyOptions.SectionName}:ServerLearningRate must be a positive number.");
        ServerLearningRate = serverLearningRate;
    }

    /// <summary>η, the server's step size.</summary>
    public double ServerLearningRate { get; }

    /// <summary>Algorithm tag in the saved state (see <see cref="MomentStateFormat"/>).</summary>
    private protected abstract byte StateAlgorithm { get; }

    /// <summary>Moment vectors the optimizer keeps (m, or m and v).</summary>
    private protected abstract int MomentCount { get; }

    /// <summary>Sets the moments before the first round (m₀ = 0 unless overridden).</summary>
    private protected virtual void InitializeMoments(float[][] moments)
    {
    }

    /// <summary>
    /// One server step: updates <paramref name="moments"/> with the pseudo-gradient <paramref name="delta"/>
    /// and writes the new model into <paramref name="next"/>, which may serve as scratch until then.
    /// </summary>
    private protected abstract void Step(ReadOnlySpan<float> delta, float[][] moments, ReadOnlySpan<float> global, Span<float> next);

    public override IAggregator CreateAggregator(ParameterBuffer global)
    {
        ArgumentNullException.ThrowIfNull(global);
        if (_moments is not null && _moments[0].Length != global.Length)
            throw new InvalidOperationException($"{Name}'s saved optimizer state has {_moments[0].Length} elements per moment vector but the model has {global.Length} parameters.");
        return new FedOptAggregator(global, this);
    }

    /// <summary>Applies the server step with this round's mean delta; called once per finished round.</summary>
    internal void ApplyRound(ReadOnlySpan<float> meanDelta, ReadOnlySpan<float> global, Span<float> next)
    {
        if (_moments is null)
        {
            var moments = new float[MomentCount][];
            for (int k = 0; k < moments.Length; k++) moments[k] = new float[global.Length];
            InitializeMoments(moments);
            _moments = moments;
        }
        else if (_moments[0].Length != global.Length)
        {
            throw new InvalidOperationException($"{Name}'s optimizer state has {_moments[0].Length} elements per moment vector but the model has {global.Length} parameters.");
        }
        Step(meanDelta, _moments, global, next);
    }

    public override byte[]? SaveState() => _moments is null ? null : MomentStateFormat.Write(StateAlgorithm, _moments);

    public override void LoadState(ReadOnlySpan<byte> state) =>
        _moments = state.IsEmpty ? null : MomentStateFormat.Read(state, StateAlgorithm, MomentCount, Name);
}
