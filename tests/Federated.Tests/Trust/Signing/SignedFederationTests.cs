using System.Globalization;
using System.Text.Json;
using Federated.Client;
using Federated.Client.Connection;
using Federated.Coordinator.Persistence;
using Federated.Coordinator.Security;
using Federated.Protocol;
using Federated.Shared.Training;
using Federated.Tests.Integration;
using Federated.Trust.Audit;
using Federated.Trust.Bundles;
using Federated.Trust.Pki;
using Federated.Trust.Policy;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using TaskStatus = Federated.Coordinator.Persistence.TaskStatus;

namespace Federated.Tests.Trust.Signing;

/// <summary>
/// Whole federations over loopback gRPC (plain text: the transport's mutual TLS is tested apart)
/// where the coordinator signs models and checks update signatures and the clients verify models,
/// sign updates, enforce their site policy, and keep audit logs. Tampering, replay, a foreign
/// coordinator and policy violations must be refused and recorded on both sides.
/// </summary>
public sealed class SignedFederationTests : IDisposable
{
    private const string TinyModel = "input 4; linear 4 3";
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);
    private readonly SigningFederation _federation = new();
    private readonly List<AuditLog> _logs = [];

    private static Dictionary<string, string?> Settings(int clients, int rounds, int minResults, bool evaluate = false) => new()
    {
        ["Model"] = TinyModel,
        ["Rounds"] = rounds.ToString(CultureInfo.InvariantCulture),
        ["MinClients"] = clients.ToString(CultureInfo.InvariantCulture),
        ["ClientsPerRound"] = clients.ToString(CultureInfo.InvariantCulture),
        ["MinResults"] = minResults.ToString(CultureInfo.InvariantCulture),
        ["RoundTimeout"] = "00:00:30",
        ["FederatedEvaluation"] = evaluate ? "true" : "false",
    };

    private static string CoordinatorAudit(LoopbackCoordinator coordinator) => Path.Combine(coordinator.Directory, "coordinator-audit.jsonl");

    private async Task<LoopbackCoordinator> StartAuditedAsync(Dictionary<string, string?> settings, FederationCredentials? credentials = null)
    {
        string directory = Path.Combine(Path.GetTempPath(), "federated-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return await LoopbackCoordinator.StartAsync(settings, services =>
        {
            services.AddSingleton(credentials ?? _federation.Coordinator);
            services.Configure<AuditOptions>(audit => audit.Path = Path.Combine(directory, "coordinator-audit.jsonl"));
        }, directory);
    }

    /// <summary>A site client: its credentials, its audit log (in the coordinator's folder), and its policy.</summary>
    private FederatedClientOptions Site(LoopbackCoordinator coordinator, string id, SitePolicy? policy = null, bool credentials = true)
    {
        var log = AuditLog.Open(Path.Combine(coordinator.Directory, $"{id}-audit.jsonl"));
        _logs.Add(log);
        return new FederatedClientOptions
        {
            Name = id,
            CacheDirectory = Path.Combine(coordinator.Directory, $"cache-{id}"),
            Credentials = credentials ? _federation.Site(id) : null,
            SitePolicy = policy,
            AuditLog = log,
            PollWait = TimeSpan.FromSeconds(2),
        };
    }

    private static async Task<ClientRunSummary[]> RunAsync(LoopbackCoordinator coordinator, params (FederatedClientOptions Options, ILocalTrainer Trainer, Func<ICoordinatorConnection, ICoordinatorConnection>? Wrap)[] clients)
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var connections = new List<ICoordinatorConnection>();
        var runs = new List<Task<ClientRunSummary>>();
        try
        {
            foreach (var (options, trainer, wrap) in clients)
            {
                ICoordinatorConnection connection = new GrpcCoordinatorConnection(coordinator.Address);
                if (wrap is not null) connection = wrap(connection);
                connections.Add(connection);
                runs.Add(new FederatedClient(connection, trainer, options).RunAsync(timeout.Token));
            }
            return await Task.WhenAll(runs);
        }
        finally
        {
            foreach (var connection in connections) await connection.DisposeAsync();
        }
    }

    /// <summary>Honest sites a and b, and site c whose connection goes through <paramref name="wrap"/>.</summary>
    private Task<ClientRunSummary[]> RunWithThirdSiteAsync(LoopbackCoordinator coordinator, Func<ICoordinatorConnection, ICoordinatorConnection> wrap, ILocalTrainer? siteA = null) =>
        RunAsync(coordinator,
            (Site(coordinator, "site-a"), siteA ?? new ConstantDeltaTrainer(0.25f, 10), null),
            (Site(coordinator, "site-b"), new ConstantDeltaTrainer(0.5f, 30), null),
            (Site(coordinator, "site-c"), new ConstantDeltaTrainer(0.5f, 30), wrap));

    /// <summary>The events of an audit log, after checking that its chain verifies.</summary>
    private static List<(string Event, JsonElement Data)> Events(string path)
    {
        var verification = AuditLogVerifier.Verify(path);
        Assert.True(verification.Valid, $"{path}: line {verification.FirstBadLine}: {verification.Reason}");
        var events = new List<(string, JsonElement)>();
        foreach (string line in File.ReadLines(path))
        {
            using var document = JsonDocument.Parse(line);
            events.Add((document.RootElement.GetProperty("event").GetString()!, document.RootElement.GetProperty("data").Clone()));
        }
        return events;
    }

    private static string? Field(JsonElement data, string name) => data.GetProperty(name).GetString();

    [Fact]
    public async Task Signed_federation_verifies_every_model_and_update_and_audits_both_sides()
    {
        var settings = Settings(clients: 2, rounds: 2, minResults: 2, evaluate: true);
        settings["ModelCodecs:0"] = "Int8";
        await using var coordinator = await StartAuditedAsync(settings);
        var a = Site(coordinator, "site-a");
        var b = Site(coordinator, "site-b");
        var summaries = await RunAsync(coordinator, (a, new ConstantDeltaTrainer(0.25f, 10), null), (b, new ConstantDeltaTrainer(0.5f, 30), null));
        // Two fit and two evaluation tasks each.
        Assert.All(summaries, s => Assert.Equal(4, s.TasksCompleted));

        await using var store = await coordinator.OpenStoreAsync();
        Assert.Empty(await store.GetRejectionsAsync());
        Assert.Equal(RoundStatus.Completed, (await store.GetRoundAsync(2))!.Status);
        // Clients joined under their certificates' identities.
        Assert.Equal(["site-a", "site-b"], (await store.GetClientsAsync()).Select(c => c.ClientId).Order());

        var events = Events(CoordinatorAudit(coordinator));
        Assert.Equal(2, events.Count(e => e.Event == "join"));
        var assigned = events.Where(e => e.Event == "task-assigned").ToList();
        Assert.Equal(8, assigned.Count);
        Assert.All(assigned, e => Assert.Equal("true", Field(e.Data, "model-signed")));
        Assert.All(assigned, e => Assert.Equal("Int8", Field(e.Data, "model-codec")));
        var received = events.Where(e => e.Event == "update-received").ToList();
        Assert.Equal(4, received.Count);
        Assert.All(received, e => Assert.Equal("true", Field(e.Data, "signed")));
        Assert.Equal(8, events.Count(e => e.Event == "result-accepted"));
        var finished = events.Where(e => e.Event == "round-finished").ToList();
        Assert.Equal(2, finished.Count);
        Assert.Equal((await store.GetRoundAsync(2))!.OutputModelHash, Field(finished[1].Data, "output-model-hash"));

        foreach (var site in new[] { "site-a", "site-b" })
        {
            var log = Events(Path.Combine(coordinator.Directory, $"{site}-audit.jsonl"));
            Assert.Equal(4, log.Count(e => e.Event == "model-verified"));
            Assert.DoesNotContain(log, e => e.Event == "model-rejected");
            var sent = log.Where(e => e.Event == "update-sent").ToList();
            Assert.Equal(2, sent.Count);
            Assert.All(sent, e => Assert.Equal("true", Field(e.Data, "signed")));
            // The digest the site recorded is the one the coordinator recorded for the same task.
            foreach (var update in sent)
                Assert.Contains(received, r => Field(r.Data, "task") == Field(update.Data, "task") && Field(r.Data, "update-sha256") == Field(update.Data, "update-sha256"));
        }
    }

    [Fact]
    public async Task Tampered_update_is_rejected_and_recorded()
    {
        await using var coordinator = await StartAuditedAsync(Settings(clients: 3, rounds: 1, minResults: 2));
        var tamper = (Func<ICoordinatorConnection, ICoordinatorConnection>)(inner => new TamperingConnection(inner)
        {
            OnUpload = (header, payload, send) =>
            {
                if (payload.IsEmpty) return send(header, payload);
                byte[] changed = payload.ToArray();
                changed[^1] ^= 0x01;
                return send(header, changed);
            },
        });
        await RunWithThirdSiteAsync(coordinator, tamper);

        await using var store = await coordinator.OpenStoreAsync();
        Assert.Equal(RoundStatus.Completed, (await store.GetRoundAsync(1))!.Status);
        var rejection = Assert.Single(await store.GetRejectionsAsync());
        Assert.Equal("site-c", rejection.ClientId);
        Assert.StartsWith("bad update signature", rejection.Reason, StringComparison.Ordinal);
        var task = Assert.Single(await store.GetTasksAsync(1), t => t.ClientId == "site-c");
        Assert.Equal(TaskStatus.Rejected, task.Status);

        var rejected = Assert.Single(Events(CoordinatorAudit(coordinator)), e => e.Event == "result-rejected");
        Assert.Equal("site-c", Field(rejected.Data, "client"));
        Assert.Equal(rejection.Reason, Field(rejected.Data, "reason"));
        var refused = Assert.Single(Events(Path.Combine(coordinator.Directory, "site-c-audit.jsonl")), e => e.Event == "result-refused");
        Assert.StartsWith("bad update signature", Field(refused.Data, "reason"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsigned_update_is_rejected()
    {
        await using var coordinator = await StartAuditedAsync(Settings(clients: 3, rounds: 1, minResults: 2));
        var strip = (Func<ICoordinatorConnection, ICoordinatorConnection>)(inner => new TamperingConnection(inner)
        {
            OnUpload = (header, payload, send) =>
            {
                var unsigned = header.Clone();
                unsigned.Signature = ByteString.Empty;
                return send(unsigned, payload);
            },
        });
        await RunWithThirdSiteAsync(coordinator, strip);

        await using var store = await coordinator.OpenStoreAsync();
        var rejection = Assert.Single(await store.GetRejectionsAsync());
        Assert.Equal("site-c", rejection.ClientId);
        Assert.StartsWith("unsigned update", rejection.Reason, StringComparison.Ordinal);
        var received = Assert.Single(Events(CoordinatorAudit(coordinator)), e => e.Event == "update-received" && Field(e.Data, "client") == "site-c");
        Assert.Equal("false", Field(received.Data, "signed"));
    }

    [Fact]
    public async Task Replayed_updates_are_rejected_as_duplicate_old_task_and_foreign_signature()
    {
        await using var coordinator = await StartAuditedAsync(Settings(clients: 3, rounds: 2, minResults: 2));
        ResultHeader? first = null;
        byte[]? firstPayload = null;
        // Site a answers only after the duplicate was sent, so round 1 is still open for it.
        var duplicateSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var replies = new List<UploadReply>();
        var replay = (Func<ICoordinatorConnection, ICoordinatorConnection>)(inner => new TamperingConnection(inner)
        {
            OnUpload = async (header, payload, send) =>
            {
                if (first is null)
                {
                    first = header.Clone();
                    firstPayload = payload.ToArray();
                    var reply = await send(header, payload);
                    // The same signed update again: a duplicate.
                    replies.Add(await send(first, firstPayload));
                    duplicateSent.TrySetResult();
                    return reply;
                }
                // Round 2: round 1's update for its own (closed) task, then round 1's payload and
                // signature under round 2's task.
                replies.Add(await send(first, firstPayload));
                var moved = first.Clone();
                moved.TaskId = header.TaskId;
                var last = await send(moved, firstPayload);
                replies.Add(last);
                return last;
            },
        });
        await RunWithThirdSiteAsync(coordinator, replay, new GatedTrainer(duplicateSent.Task));

        Assert.Equal(3, replies.Count);
        Assert.All(replies, r => Assert.False(r.Accepted));
        await using var store = await coordinator.OpenStoreAsync();
        var rejections = (await store.GetRejectionsAsync()).Where(r => r.ClientId == "site-c").Select(r => r.Reason).ToList();
        Assert.Equal(3, rejections.Count);
        Assert.Contains(rejections, r => r.Contains("was already answered", StringComparison.Ordinal));
        Assert.Contains(rejections, r => r.Contains("of round 1 is closed", StringComparison.Ordinal));
        Assert.Contains(rejections, r => r.StartsWith("bad update signature", StringComparison.Ordinal));
        Assert.Equal(3, Events(CoordinatorAudit(coordinator)).Count(e => e.Event == "result-rejected" && Field(e.Data, "client") == "site-c"));
        // Both rounds still aggregated the two honest sites.
        Assert.Equal(RoundStatus.Completed, (await store.GetRoundAsync(2))!.Status);
    }

    [Fact]
    public async Task Model_signed_outside_the_federation_is_refused_by_every_client()
    {
        using var foreign = new SigningFederation("another-federation");
        var settings = Settings(clients: 2, rounds: 1, minResults: 1);
        await using var coordinator = await StartAuditedAsync(settings, foreign.Coordinator);
        var trainer = new CountingTrainer();
        var summaries = await RunAsync(coordinator, (Site(coordinator, "site-a"), trainer, null), (Site(coordinator, "site-b"), trainer, null));

        Assert.Equal(0, trainer.Fits);
        Assert.All(summaries, s => Assert.Equal(0, s.TasksCompleted));
        await using var store = await coordinator.OpenStoreAsync();
        Assert.Equal(RoundStatus.Failed, (await store.GetRoundAsync(1))!.Status);
        Assert.All(await store.GetTasksAsync(1), t =>
        {
            Assert.Equal(TaskStatus.Failed, t.Status);
            Assert.Contains("signature does not verify", t.Reason, StringComparison.Ordinal);
        });
        foreach (var site in new[] { "site-a", "site-b" })
            Assert.Single(Events(Path.Combine(coordinator.Directory, $"{site}-audit.jsonl")), e => e.Event == "model-rejected");
    }

    [Fact]
    public async Task Model_signature_swapped_for_another_rounds_is_refused()
    {
        await using var coordinator = await StartAuditedAsync(Settings(clients: 2, rounds: 2, minResults: 1));
        ByteString? roundOne = null;
        var swap = (Func<ICoordinatorConnection, ICoordinatorConnection>)(inner => new TamperingConnection(inner)
        {
            // Round 2 serves a new model: hand the client round 1's (valid, but other) model signature.
            OnTask = task =>
            {
                if (task.Round == 1) roundOne = task.ModelSignature;
                else task.ModelSignature = roundOne;
            },
        });
        var trainer = new CountingTrainer();
        await RunAsync(coordinator, (Site(coordinator, "site-a"), new ConstantDeltaTrainer(0.25f, 10), null), (Site(coordinator, "site-b"), trainer, swap));

        Assert.Equal(1, trainer.Fits);
        await using var store = await coordinator.OpenStoreAsync();
        var refused = Assert.Single(await store.GetTasksAsync(2), t => t.ClientId == "site-b");
        Assert.Equal(TaskStatus.Failed, refused.Status);
        Assert.Contains("signature does not verify", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_violation_is_refused_before_training_and_reported_as_a_policy_refusal()
    {
        var settings = Settings(clients: 2, rounds: 1, minResults: 1);
        settings["Training:Epochs"] = "3";
        await using var coordinator = await StartAuditedAsync(settings);
        var strict = new CountingTrainer();
        await RunAsync(coordinator,
            (Site(coordinator, "site-a"), new ConstantDeltaTrainer(0.25f, 10), null),
            (Site(coordinator, "site-b", new SitePolicy { MaxLocalEpochs = 2 }), strict, null));

        Assert.Equal(0, strict.Fits);
        await using var store = await coordinator.OpenStoreAsync();
        Assert.Equal(RoundStatus.Completed, (await store.GetRoundAsync(1))!.Status);
        var refused = Assert.Single(await store.GetTasksAsync(1), t => t.ClientId == "site-b");
        Assert.Equal(TaskStatus.Failed, refused.Status);
        Assert.Equal("policy refusal: site policy MaxLocalEpochs is 2; the task asks for 3", refused.Reason);

        var coordinatorEvent = Assert.Single(Events(CoordinatorAudit(coordinator)), e => e.Event == "policy-refusal");
        Assert.Equal("site-b", Field(coordinatorEvent.Data, "client"));
        var siteEvent = Assert.Single(Events(Path.Combine(coordinator.Directory, "site-b-audit.jsonl")), e => e.Event == "policy-refusal");
        Assert.Equal("site policy MaxLocalEpochs is 2; the task asks for 3", Field(siteEvent.Data, "reason"));
    }

    [Fact]
    public async Task Privacy_rules_of_a_site_policy_judge_the_privacy_the_coordinator_asks_for()
    {
        // The federation adds local DP with noise multiplier 0.5 (Federation:Privacy).
        var settings = Settings(clients: 3, rounds: 1, minResults: 1);
        settings["Privacy:Mode"] = "Local";
        settings["Privacy:NoiseMultiplier"] = "0.5";
        settings["Privacy:ClipNorm"] = "1.0";
        await using var coordinator = await StartAuditedAsync(settings);
        var strict = new CountingTrainer();
        var secure = new CountingTrainer();
        await RunAsync(coordinator,
            (Site(coordinator, "site-a", new SitePolicy { RequireDifferentialPrivacy = true, MinNoiseMultiplier = 0.5 }), new ConstantDeltaTrainer(0.25f, 10), null),
            (Site(coordinator, "site-b", new SitePolicy { RequireDifferentialPrivacy = true, MinNoiseMultiplier = 1.0 }), strict, null),
            (Site(coordinator, "site-c", new SitePolicy { RequireSecureAggregation = true }), secure, null));

        Assert.Equal(0, strict.Fits);
        Assert.Equal(0, secure.Fits);
        await using var store = await coordinator.OpenStoreAsync();
        var tasks = await store.GetTasksAsync(1);
        Assert.Equal(TaskStatus.Completed, Assert.Single(tasks, t => t.ClientId == "site-a").Status);
        Assert.Equal("policy refusal: site policy MinNoiseMultiplier is 1; the task's noise multiplier is 0.5", Assert.Single(tasks, t => t.ClientId == "site-b").Reason);
        Assert.StartsWith("policy refusal: site policy RequireSecureAggregation", Assert.Single(tasks, t => t.ClientId == "site-c").Reason, StringComparison.Ordinal);
        Assert.Equal(2, Events(CoordinatorAudit(coordinator)).Count(e => e.Event == "policy-refusal"));
    }

    public void Dispose()
    {
        foreach (var log in _logs) log.Dispose();
        _federation.Dispose();
    }
}

/// <summary>Counts the fits it is asked for; answers like <see cref="ConstantDeltaTrainer"/>.</summary>
internal sealed class CountingTrainer : ILocalTrainer
{
    private readonly ConstantDeltaTrainer _inner = new(0.1f, 10);
    private int _fits;

    public int Fits => Volatile.Read(ref _fits);

    public Task<FitOutcome> FitAsync(Federated.Shared.Models.ModelArchitecture architecture, Federated.Shared.Parameters.ParameterBuffer global, TrainingConfig config, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _fits);
        return _inner.FitAsync(architecture, global, config, cancellationToken);
    }

    public Task<EvaluationOutcome> EvaluateAsync(Federated.Shared.Models.ModelArchitecture architecture, Federated.Shared.Parameters.ParameterBuffer parameters, CancellationToken cancellationToken) =>
        _inner.EvaluateAsync(architecture, parameters, cancellationToken);
}

/// <summary>Answers a fit only once <paramref name="gate"/> completed.</summary>
internal sealed class GatedTrainer(Task gate) : ILocalTrainer
{
    private readonly ConstantDeltaTrainer _inner = new(0.25f, 10);

    public async Task<FitOutcome> FitAsync(Federated.Shared.Models.ModelArchitecture architecture, Federated.Shared.Parameters.ParameterBuffer global, TrainingConfig config, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        return await _inner.FitAsync(architecture, global, config, cancellationToken);
    }

    public Task<EvaluationOutcome> EvaluateAsync(Federated.Shared.Models.ModelArchitecture architecture, Federated.Shared.Parameters.ParameterBuffer parameters, CancellationToken cancellationToken) =>
        _inner.EvaluateAsync(architecture, parameters, cancellationToken);
}
