using Federated.SecureAggregation;

namespace Federated.Tests.SecureAggregation;

/// <summary>
/// Plays the coordinator and n clients of one round in memory, passing each message by hand. A client
/// "drops" at a phase by not sending that phase's message (and never being heard from again). Hooks
/// let a test alter a message on its way, the way a faulty network or client would.
/// </summary>
internal sealed class SecureAggregationDriver : IDisposable
{
    private readonly HashSet<int> _gone = [];

    /// <param name="onSetup">Carries each client's setup message (for example through the wire format); the client is built from what arrives.</param>
    public SecureAggregationDriver(SecureAggregationOptions options, int seed, long roundId = 7, Func<SecureAggregationSetup, SecureAggregationSetup>? onSetup = null)
    {
        Options = options;
        var random = new Random(seed);
        var graphSeed = new byte[32];
        random.NextBytes(graphSeed);
        Server = new SecureAggregationServer(options, roundId, graphSeed);
        Clients = new SecureAggregationClient[options.ClientCount + 1];
        for (int c = 1; c <= options.ClientCount; c++)
        {
            var setup = new SecureAggregationSetup(roundId, c, Server.GraphSeed, options);
            if (onSetup is not null) setup = onSetup(setup);
            Clients[c] = new SecureAggregationClient(setup.Options, setup.RoundId, setup.ClientIndex, setup.GraphSeed);
        }
        Inputs = new float[options.ClientCount + 1][];
        Weights = new float[options.ClientCount + 1];
        for (int c = 1; c <= options.ClientCount; c++)
        {
            // Some values beyond ±c so clipping is exercised.
            var x = new float[options.VectorLength];
            for (int e = 0; e < x.Length; e++) x[e] = (float)((random.NextDouble() * 2 - 1) * 1.5 * options.ClipRange);
            Inputs[c] = x;
            Weights[c] = options.MaxExampleWeight;
        }
    }

    public SecureAggregationOptions Options { get; }

    public SecureAggregationServer Server { get; }

    public SecureAggregationClient[] Clients { get; }

    public float[][] Inputs { get; }

    public float[] Weights { get; }

    /// <summary>Clients refused by their own checks (they throw and count as dropped), with the message.</summary>
    public List<string> ClientRefusals { get; } = [];

    public Func<AdvertisedKeys, AdvertisedKeys>? OnKeys { get; set; }

    public Func<NeighbourKeys, NeighbourKeys>? OnNeighbourKeys { get; set; }

    public Func<ShareKeysMessage, ShareKeysMessage>? OnShares { get; set; }

    public Func<ShareBundle, ShareBundle>? OnBundle { get; set; }

    public Func<MaskedInput, MaskedInput>? OnMaskedInput { get; set; }

    public Func<UnmaskRequest, UnmaskRequest>? OnUnmaskRequest { get; set; }

    public Func<UnmaskResponse, UnmaskResponse>? OnUnmask { get; set; }

    /// <summary>The masked inputs as the coordinator received them (for the privacy tests).</summary>
    public Dictionary<int, MaskedInput> SentMaskedInputs { get; } = [];

    /// <summary>Picks ⌊fraction · |active| + 0.5⌋ of the given clients with a seeded shuffle.</summary>
    public static HashSet<int> PickDropouts(IReadOnlyList<int> active, double fraction, int seed)
    {
        var list = new List<int>(active);
        var random = new Random(seed);
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
        return [.. list.GetRange(0, (int)Math.Round(fraction * list.Count, MidpointRounding.AwayFromZero))];
    }

    public bool AdvertiseKeys(ISet<int>? dropping = null)
    {
        for (int c = 1; c <= Options.ClientCount; c++)
        {
            if (Leaves(c, dropping)) continue;
            var message = Clients[c].AdvertiseKeys();
            Server.ReceiveAdvertisedKeys(OnKeys is null ? message : OnKeys(message));
        }
        return Server.CloseAdvertiseKeys();
    }

    public bool ShareKeys(ISet<int>? dropping = null)
    {
        foreach (int c in Server.ActiveClients)
        {
            if (Leaves(c, dropping)) continue;
            var keys = Server.NeighbourKeysFor(c);
            if (OnNeighbourKeys is not null) keys = OnNeighbourKeys(keys);
            var message = Try(c, () => Clients[c].ShareKeys(keys));
            if (message is not null) Server.ReceiveShares(OnShares is null ? message : OnShares(message));
        }
        return Server.CloseShareKeys();
    }

    public bool MaskInputs(ISet<int>? dropping = null)
    {
        foreach (int c in Server.ActiveClients)
        {
            if (Leaves(c, dropping)) continue;
            var bundle = Server.SharesFor(c);
            if (OnBundle is not null) bundle = OnBundle(bundle);
            var message = Try(c, () => Clients[c].MaskInput(bundle, Inputs[c], Weights[c]));
            if (message is null) continue;
            if (OnMaskedInput is not null) message = OnMaskedInput(message);
            SentMaskedInputs[c] = message;
            Server.ReceiveMaskedInput(message);
        }
        return Server.CloseMaskedInput();
    }

    public SecureAggregationResult? Unmask(ISet<int>? dropping = null)
    {
        foreach (int c in Server.ActiveClients)
        {
            if (Leaves(c, dropping)) continue;
            var request = Server.UnmaskRequestFor(c);
            if (OnUnmaskRequest is not null) request = OnUnmaskRequest(request);
            var message = Try(c, () => Clients[c].Unmask(request));
            if (message is not null) Server.ReceiveUnmaskResponse(OnUnmask is null ? message : OnUnmask(message));
        }
        return Server.Finish();
    }

    /// <summary>Runs all four phases; <paramref name="dropping"/>[p] leave at phase p. Null when the round aborted.</summary>
    public SecureAggregationResult? Run(params ISet<int>?[] dropping)
    {
        ISet<int>? At(int p) => p < dropping.Length ? dropping[p] : null;
        if (!AdvertiseKeys(At(0))) return null;
        if (!ShareKeys(At(1))) return null;
        if (!MaskInputs(At(2))) return null;
        return Unmask(At(3));
    }

    /// <summary>Σ w_i · clip(x_i) over the given clients, in double.</summary>
    public double[] ExpectedWeightedSum(IEnumerable<int> clients)
    {
        var sum = new double[Options.VectorLength];
        float c = Options.ClipRange;
        foreach (int i in clients)
            for (int e = 0; e < sum.Length; e++) sum[e] += (double)Weights[i] * Math.Clamp(Inputs[i][e], -c, c);
        return sum;
    }

    public void Dispose()
    {
        for (int c = 1; c < Clients.Length; c++) Clients[c].Dispose();
    }

    private bool Leaves(int client, ISet<int>? dropping)
    {
        if (dropping is not null && dropping.Contains(client)) _gone.Add(client);
        return _gone.Contains(client);
    }

    private T? Try<T>(int client, Func<T> phase) where T : class
    {
        try
        {
            return phase();
        }
        catch (SecureAggregationException e)
        {
            ClientRefusals.Add(e.Message);
            _gone.Add(client);
            return null;
        }
    }
}
