using System.Reflection;
using System.Runtime.ExceptionServices;
using Federated.Coordinator.Options;
using Federated.Coordinator.Persistence;
using Federated.Coordinator.Transport;
using Federated.Shared.Codecs;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Serialization;
using Federated.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Federated.Tests.Rounds;

/// <summary>
/// FedBuff's orchestrator hands out tasks while devices keep answering: a buffer can fill (and the
/// stage open the next server step) in the middle of handing out, before that step's model exists.
/// Found by the mqtt-fleet benchmark with a hundred instant devices; here made certain by holding
/// the store's second task insert until the first task's update has filled the buffer.
/// </summary>
public class BufferedIssueTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_task_issued_while_a_full_buffer_waits_belongs_to_the_round_of_the_model_it_carries()
    {
        var releaseSecondTask = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var settings = new Dictionary<string, string?>
        {
            ["Model"] = "input 2; linear 2 1",
            ["Mode"] = "FedBuff",
            ["Rounds"] = "2",
            ["MinClients"] = "2",
            ["FedBuff:BufferSize"] = "1",
            ["FedBuff:Concurrency"] = "2",
            ["FedBuff:MaxStaleness"] = "3",
            ["RoundTimeout"] = "00:01:00",
            ["FederatedEvaluation"] = "false",
        };
        await using var coordinator = await LoopbackCoordinator.StartAsync(settings, services => services.Replace(ServiceDescriptor.Singleton<ICoordinatorStore>(provider =>
            SecondTaskGate.Wrap(new SqliteCoordinatorStore(provider.GetRequiredService<IOptions<FederationOptions>>().Value.DatabasePath), releaseSecondTask.Task))));
        var gateway = coordinator.Services.GetRequiredService<ClientGateway>();
        using var cancellation = new CancellationTokenSource(Timeout);
        var ct = cancellation.Token;
        string[] clients = [await gateway.JoinAsync(null, "c1", ct), await gateway.JoinAsync(null, "c2", ct)];
        var pulls = clients.Select(c => gateway.PullAsync(c, Timeout, ct)).ToArray();

        // The first task goes out; the second waits in the store while the first's update fills step 1.
        var firstPull = await Task.WhenAny(pulls).WaitAsync(Timeout);
        int first = Array.IndexOf(pulls, firstPull);
        var a = Assert.IsType<PullOutcome.Assigned>(await firstPull).Task;
        Assert.Equal(1, a.Round);
        Assert.True((await gateway.SubmitAsync(Update(clients[first], a, 1f), ct)).Accepted);

        releaseSecondTask.SetResult();
        var b = Assert.IsType<PullOutcome.Assigned>(await pulls[1 - first].WaitAsync(Timeout)).Task;
        // Step 1 may not be applied yet: b carries round 1's input model and belongs to round 1.
        Assert.Equal(a.ModelHash, b.ModelHash);
        Assert.Equal(1, b.Round);
        var accepted = await gateway.SubmitAsync(Update(clients[1 - first], b, 1f), ct);
        Assert.True(accepted.Accepted, accepted.Reason);

        while (await gateway.PullAsync(clients[first], Timeout, ct) is not PullOutcome.Finished) { }
        await using var store = await coordinator.OpenStoreAsync();
        var rounds = await store.GetRoundsAsync(ct);
        Assert.Equal(2, rounds.Count);
        Assert.All(rounds, r => Assert.Equal(RoundStatus.Completed, r.Status));
        // b's update went into step 2, one step after the model it started from.
        Assert.Equal(1, rounds[1].Metrics["fedbuff_max_staleness"]);
        Assert.Contains(await store.GetResultsAsync(1, ct), r => r.TaskId == b.TaskId);
    }

    private static ResultSubmission Update(string clientId, Coordinator.Rounds.TaskAssignment task, float value)
    {
        var delta = new ParameterBuffer(ModelArchitecture.Parse(task.Architecture).Layout);
        delta.Values.Fill(value);
        return new ResultSubmission(clientId, task.TaskId, 10, new Dictionary<string, double>(), ModelFile.ToBytes(new ModelSnapshot(task.Round, null, delta)), null, CodecKind.Fp32);
    }
}

/// <summary>A store that holds its second <see cref="ICoordinatorStore.AddTaskAsync"/> until <c>release</c> completes; everything else passes through.</summary>
public class SecondTaskGate : DispatchProxy
{
    private ICoordinatorStore _inner = null!;
    private Task _release = Task.CompletedTask;
    private int _tasks;

    internal static ICoordinatorStore Wrap(ICoordinatorStore inner, Task release)
    {
        var proxy = Create<ICoordinatorStore, SecondTaskGate>();
        var gate = (SecondTaskGate)(object)proxy;
        gate._inner = inner;
        gate._release = release;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(ICoordinatorStore.AddTaskAsync) && Interlocked.Increment(ref _tasks) == 2)
            return HeldAsync(targetMethod, args);
        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    private async Task HeldAsync(MethodInfo method, object?[]? args)
    {
        await _release.ConfigureAwait(false);
        await ((Task)method.Invoke(_inner, args)!).ConfigureAwait(false);
    }
}
