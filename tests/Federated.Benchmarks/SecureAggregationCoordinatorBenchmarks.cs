using BenchmarkDotNet.Attributes;
using Federated.Coordinator.Strategies;
using Federated.Coordinator.Validation;
using Federated.SecureAggregation;
using Federated.Shared.Codecs;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Serialization;

namespace Federated.Benchmarks;

/// <summary>
/// The coordinator's end of a secure round on the classic CNN's 1,199,882 parameters against plain
/// FedAvg of the same updates (the survivors'), side by side. <see cref="SecureAggregation"/>:
/// <see cref="SecureAggregationServer.Finish"/> — sum the survivors' masked inputs, rebuild b_i per
/// survivor and s_j^SK per dropped client from t Shamir shares, regenerate the masks (one PRG per
/// survivor, one per surviving partner of each dropped client) and decode — then the fold of the
/// revealed mean into FedAvg, as the round orchestrator does. <see cref="PlainFedAvg"/> (the ratio's
/// baseline): the same FedAvg aggregator fed the survivors' decoded updates, as the gateway does for a
/// plain round. <see cref="PlainFedAvgFromUploads"/>: the gateway's whole per-upload path, FP32 model
/// file → <see cref="UpdateValidator.Check"/> → fold. Classic (k = n − 1) against SecAgg+
/// (k = 2⌈log2 n⌉), with 0, 10 and 30 % of the clients dropping after sharing keys (before their
/// masked input: the costly case).
/// </summary>
/// <remarks>
/// Global setup runs a real round once and records every message; each iteration replays them into a
/// fresh server (same round and graph seed), so only Finish and the fold are timed. To keep setup
/// affordable the clients run with VectorLength = 1 — it changes no key, graph, threshold or share —
/// and each masked input is replaced with m + 1 random words before it reaches the server. Finish's
/// work does not depend on the values (the decoded sum is meaningless here). The plain baselines fold
/// one random float update of the CNN's layout per survivor. When a drawn set of dropouts leaves some
/// neighbourhood of a SecAgg+ round below the threshold (the round aborts), the next seed is drawn.
/// Run one case with a filter on its parameters, e.g.
/// <c>--filter '*SecureAggregationCoordinator*Clients: 100, Sparse: True, Dropout: 0.1)'</c>.
/// </remarks>
[MemoryDiagnoser]
[InvocationCount(1)] // the secure case needs a fresh server per invocation; one job for all three keeps the Ratio column
public class SecureAggregationCoordinatorBenchmarks
{
    private const int Parameters = 1_199_882;
    private const long RoundId = 12;

    private SecureAggregationOptions _options = null!;
    private byte[] _graphSeed = null!;
    private List<AdvertisedKeys> _keys = [];
    private List<ShareKeysMessage> _shares = [];
    private List<MaskedInput> _inputs = [];
    private List<UnmaskResponse> _responses = [];
    private SecureAggregationServer _server = null!;
    private ParameterBuffer _global = null!;
    private ParameterBuffer _scratch = null!;
    private List<float[]> _updates = [];
    private List<byte[]> _uploads = [];
    private readonly UpdateBounds _bounds = new(MaxExampleCount: 100_000_000);

    [Params(10, 50, 100)]
    public int Clients { get; set; }

    [Params(false, true)]
    public bool Sparse { get; set; }

    [Params(0.0, 0.1, 0.3)]
    public double Dropout { get; set; }

    /// <summary>Which dropout draw completed the recorded round (0 = the first).</summary>
    public int DropoutSeed { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _options = new SecureAggregationOptions
        {
            ClientCount = Clients,
            VectorLength = Parameters,
            NeighbourDegree = Sparse ? SecureAggregationOptions.RecommendedNeighbourDegree(Clients) : null,
        };
        var random = new Random(2);
        _graphSeed = new byte[32];
        random.NextBytes(_graphSeed);
        var values = new uint[Clients + 1][];
        for (int c = 1; c <= Clients; c++)
        {
            values[c] = new uint[Parameters + 1];
            random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values[c].AsSpan()));
        }
        for (DropoutSeed = 0; DropoutSeed < 100; DropoutSeed++)
        {
            if (!Record(values)) continue;
            PreparePlainUpdates();
            return;
        }
        throw new InvalidOperationException($"No dropout draw completed a round with n = {Clients}, k = {_options.EffectiveNeighbourDegree}, dropout {Dropout}.");
    }

    [IterationSetup(Target = nameof(SecureAggregation))]
    public void Replay()
    {
        _server = new SecureAggregationServer(_options, RoundId, _graphSeed);
        foreach (var m in _keys) _server.ReceiveAdvertisedKeys(m);
        _server.CloseAdvertiseKeys();
        foreach (var m in _shares) _server.ReceiveShares(m);
        _server.CloseShareKeys();
        foreach (var m in _inputs) _server.ReceiveMaskedInput(m);
        _server.CloseMaskedInput();
        foreach (var m in _responses) _server.ReceiveUnmaskResponse(m);
    }

    [Benchmark]
    public ParameterBuffer SecureAggregation()
    {
        var result = _server.Finish() ?? throw new InvalidOperationException(_server.AbortReason);
        var aggregator = new FedAvgAggregator(_global);
        aggregator.Accumulate(result.WeightedMean(), Math.Max(1, (long)Math.Round(result.TotalWeight)));
        return aggregator.Finish();
    }

    [Benchmark(Baseline = true)]
    public ParameterBuffer PlainFedAvg()
    {
        var aggregator = new FedAvgAggregator(_global);
        for (int u = 0; u < _updates.Count; u++) aggregator.Accumulate(_updates[u], Weight(u));
        return aggregator.Finish();
    }

    [Benchmark]
    public ParameterBuffer PlainFedAvgFromUploads()
    {
        var aggregator = new FedAvgAggregator(_global);
        for (int u = 0; u < _uploads.Count; u++)
        {
            var check = UpdateValidator.Check(_uploads[u], Weight(u), _bounds, CodecKind.Fp32, _scratch, out var delta);
            if (!check.Accepted) throw new InvalidOperationException(check.RejectionReason);
            aggregator.Accumulate(delta, Weight(u));
        }
        return aggregator.Finish();
    }

    private static long Weight(int update) => 100 + update;

    /// <summary>One float update per survivor of the recorded round, and its FP32 upload as a client sends it.</summary>
    private void PreparePlainUpdates()
    {
        var cnn = ModelZoo.Cnn();
        if (cnn.Layout.TotalLength != Parameters) throw new InvalidOperationException($"The CNN has {cnn.Layout.TotalLength} parameters, not {Parameters}.");
        _global = ParameterInitializer.Initialize(cnn, 1);
        _scratch = new ParameterBuffer(cnn.Layout);
        _updates = [];
        _uploads = [];
        var random = new Random(3);
        for (int u = 0; u < _inputs.Count; u++)
        {
            var update = new float[Parameters];
            for (int i = 0; i < update.Length; i++) update[i] = (random.NextSingle() - 0.5f) * 0.02f;
            _updates.Add(update);
            _uploads.Add(ModelFile.ToBytes(new ModelSnapshot(RoundId, null, new ParameterBuffer(cnn.Layout, update))));
        }
    }

    /// <summary>Runs one round, dropping ⌊δ·n⌉ seeded clients after key sharing; false when it aborts.</summary>
    private bool Record(uint[][] values)
    {
        var clientOptions = new SecureAggregationOptions
        {
            ClientCount = Clients,
            VectorLength = 1,
            NeighbourDegree = _options.NeighbourDegree,
        };
        var clients = new SecureAggregationClient[Clients + 1];
        for (int c = 1; c <= Clients; c++) clients[c] = new SecureAggregationClient(clientOptions, RoundId, c, _graphSeed);
        try
        {
            var server = new SecureAggregationServer(_options, RoundId, _graphSeed);
            _keys = [];
            _shares = [];
            _inputs = [];
            _responses = [];
            for (int c = 1; c <= Clients; c++)
            {
                _keys.Add(clients[c].AdvertiseKeys());
                server.ReceiveAdvertisedKeys(_keys[^1]);
            }
            if (!server.CloseAdvertiseKeys()) return false;
            for (int c = 1; c <= Clients; c++)
            {
                _shares.Add(clients[c].ShareKeys(server.NeighbourKeysFor(c)));
                server.ReceiveShares(_shares[^1]);
            }
            if (!server.CloseShareKeys()) return false;
            var dropped = Draw(DropoutSeed);
            for (int c = 1; c <= Clients; c++)
            {
                if (dropped.Contains(c)) continue;
                clients[c].MaskInput(server.SharesFor(c), [0.5f], 1f);
                _inputs.Add(new MaskedInput(RoundId, c, values[c]));
                server.ReceiveMaskedInput(_inputs[^1]);
            }
            if (!server.CloseMaskedInput()) return false;
            foreach (int c in server.ActiveClients)
            {
                // Through the wire format, as a transport would carry it: the copy outlives the client.
                _responses.Add(SecureAggregationWire.ReadUnmaskResponse(SecureAggregationWire.Write(clients[c].Unmask(server.UnmaskRequestFor(c)))));
                server.ReceiveUnmaskResponse(_responses[^1]);
            }
            return true;
        }
        finally
        {
            for (int c = 1; c <= Clients; c++) clients[c].Dispose();
        }
    }

    private HashSet<int> Draw(int seed)
    {
        var order = Enumerable.Range(1, Clients).ToArray();
        new Random(1000 + seed).Shuffle(order);
        return [.. order.Take((int)Math.Round(Dropout * Clients, MidpointRounding.AwayFromZero))];
    }
}
