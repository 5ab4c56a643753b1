using BenchmarkDotNet.Attributes;
using Federated.SecureAggregation;

namespace Federated.Benchmarks;

/// <summary>
/// Secure aggregation on the classic CNN's 1,199,882 parameters: one client's masked-input phase
/// (encode + self mask + one PRG per neighbour) and the coordinator's unmasking (sum + rebuild secrets
/// + regenerate masks), for classic (k = n − 1) and SecAgg+ (k = 2⌈log2 n⌉) at 0 % and 30 % dropout
/// after key sharing. Setup runs the first phases once; each iteration repeats only the measured work.
/// </summary>
[MemoryDiagnoser]
public class SecureAggregationBenchmarks
{
    private const int Parameters = 1_199_882;

    private SecureAggregationOptions _options = null!;
    private MaskGenerator _generator = null!;
    private float[] _update = null!;
    private uint[] _masked = null!;
    private byte[][] _seeds = null!;

    [Params(10, 50)]
    public int Clients { get; set; }

    [Params(false, true)]
    public bool Sparse { get; set; }

    [Params(0.0, 0.3)]
    public double Dropout { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _options = new SecureAggregationOptions
        {
            ClientCount = Clients,
            VectorLength = Parameters,
            NeighbourDegree = Sparse ? SecureAggregationOptions.RecommendedNeighbourDegree(Clients) : null,
        };
        _generator = new MaskGenerator();
        var random = new Random(1);
        _update = new float[Parameters];
        for (int i = 0; i < _update.Length; i++) _update[i] = (float)(random.NextDouble() - 0.5);
        _masked = new uint[Parameters + 1];
        _seeds = new byte[Clients * _options.EffectiveNeighbourDegree + Clients][];
        for (int i = 0; i < _seeds.Length; i++)
        {
            _seeds[i] = new byte[32];
            random.NextBytes(_seeds[i]);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _generator.Dispose();

    /// <summary>Client phase 2 maths: encode, + PRG(b), ± PRG(s_ij) for each of k neighbours (dropout does not change it).</summary>
    [Benchmark]
    public void ClientMaskedInput()
    {
        FixedPointEncoder.Encode(_update, 1f, _options, _masked);
        _generator.Add(_seeds[0], _masked);
        for (int j = 0; j < _options.EffectiveNeighbourDegree; j++) _generator.Add(_seeds[j + 1], _masked);
    }

    /// <summary>
    /// Coordinator unmasking maths: one PRG per survivor's b, and per dropped client one PRG per surviving
    /// neighbour (≈ k·(1 − δ)), plus summing survivors' inputs and decoding.
    /// </summary>
    [Benchmark]
    public float CoordinatorUnmask()
    {
        int dropped = (int)Math.Round(Dropout * Clients);
        int survivors = Clients - dropped;
        var sum = new uint[Parameters + 1];
        for (int i = 0; i < survivors; i++) System.Numerics.Tensors.TensorPrimitives.Add(sum, _masked, sum);
        int seed = 0;
        for (int i = 0; i < survivors; i++) _generator.Subtract(_seeds[seed++ % _seeds.Length], sum);
        int pairs = (int)Math.Round(_options.EffectiveNeighbourDegree * (1 - Dropout));
        for (int d = 0; d < dropped; d++)
            for (int p = 0; p < pairs; p++) _generator.Add(_seeds[seed++ % _seeds.Length], sum);
        var decoded = new float[Parameters];
        FixedPointEncoder.DecodeSum(sum, _options, decoded);
        return decoded[0];
    }
}
