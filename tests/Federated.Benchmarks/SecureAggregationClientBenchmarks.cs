using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Federated.SecureAggregation;

namespace Federated.Benchmarks;

/// <summary>
/// One client's four phases of a real round on the classic CNN's 1,199,882 parameters, each with the
/// coordinator's genuine message of the previous phase: n clients advertise and share keys through a
/// <see cref="SecureAggregationServer"/> before each iteration, and the measured client (index 1)
/// runs only the timed phase. Classic (k = n − 1) against SecAgg+ (k = 2⌈log2 n⌉), no dropouts. The
/// unmask request is the one the coordinator sends without dropouts (all partners survived). The
/// "Round total" column sums the four phases' means for the same n and k.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class SecureAggregationClientBenchmarks
{
    private const int Parameters = 1_199_882;
    private const long RoundId = 11;
    private const int Probe = 1;

    private SecureAggregationOptions _options = null!;
    private byte[] _graphSeed = null!;
    private float[] _update = null!;
    private SecureAggregationClient[] _clients = [];
    private SecureAggregationServer _server = null!;
    private NeighbourKeys _neighbourKeys = null!;
    private ShareBundle _bundle = null!;
    private UnmaskRequest _request = null!;

    [Params(10, 50, 100)]
    public int Clients { get; set; }

    [Params(false, true)]
    public bool Sparse { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _options = new SecureAggregationOptions
        {
            ClientCount = Clients,
            VectorLength = Parameters,
            NeighbourDegree = Sparse ? SecureAggregationOptions.RecommendedNeighbourDegree(Clients) : null,
        };
        var random = new Random(1);
        _graphSeed = new byte[32];
        random.NextBytes(_graphSeed);
        _update = new float[Parameters];
        for (int i = 0; i < _update.Length; i++) _update[i] = (float)(random.NextDouble() - 0.5);
    }

    [IterationSetup(Target = nameof(AdvertiseKeys))]
    public void BeforeAdvertise() => StartRound();

    [IterationSetup(Target = nameof(ShareKeys))]
    public void BeforeShareKeys()
    {
        StartRound();
        AdvertiseAll();
    }

    [IterationSetup(Target = nameof(MaskedInput))]
    public void BeforeMaskedInput()
    {
        StartRound();
        AdvertiseAll();
        ShareAll();
    }

    [IterationSetup(Target = nameof(Unmask))]
    public void BeforeUnmask()
    {
        StartRound();
        AdvertiseAll();
        ShareAll();
        _clients[Probe].MaskInput(_bundle, _update, 1f);
        var partners = _bundle.Shares.Select(s => s.Sender).Order().ToArray();
        _request = new UnmaskRequest(RoundId, Probe, partners, []);
    }

    [IterationCleanup]
    public void EndRound()
    {
        for (int c = 1; c < _clients.Length; c++) _clients[c].Dispose();
        _clients = [];
    }

    /// <summary>Phase 0: two X25519 key pairs.</summary>
    [Benchmark]
    public AdvertisedKeys AdvertiseKeys() => _clients[Probe].AdvertiseKeys();

    /// <summary>Phase 1: t-of-(k + 1) Shamir splits of b and s^SK, k key agreements and AEAD encryptions.</summary>
    [Benchmark]
    public ShareKeysMessage ShareKeys() => _clients[Probe].ShareKeys(_neighbourKeys);

    /// <summary>Phase 2: k share decryptions, k pairwise seeds, encode and k + 1 PRG streams of m + 1 words.</summary>
    [Benchmark]
    public MaskedInput MaskedInput() => _clients[Probe].MaskInput(_bundle, _update, 1f);

    /// <summary>Phase 3: picks the k + 1 shares to reveal.</summary>
    [Benchmark]
    public UnmaskResponse Unmask() => _clients[Probe].Unmask(_request);

    private void StartRound()
    {
        _server = new SecureAggregationServer(_options, RoundId, _graphSeed);
        _clients = new SecureAggregationClient[Clients + 1];
        for (int c = 1; c <= Clients; c++) _clients[c] = new SecureAggregationClient(_options, RoundId, c, _graphSeed);
    }

    private void AdvertiseAll()
    {
        for (int c = 1; c <= Clients; c++) _server.ReceiveAdvertisedKeys(_clients[c].AdvertiseKeys());
        if (!_server.CloseAdvertiseKeys()) throw new InvalidOperationException(_server.AbortReason);
        _neighbourKeys = _server.NeighbourKeysFor(Probe);
    }

    private void ShareAll()
    {
        for (int c = 1; c <= Clients; c++) _server.ReceiveShares(_clients[c].ShareKeys(_server.NeighbourKeysFor(c)));
        if (!_server.CloseShareKeys()) throw new InvalidOperationException(_server.AbortReason);
        _bundle = _server.SharesFor(Probe);
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new SecureAggregationRoundTotalColumn());
    }
}
