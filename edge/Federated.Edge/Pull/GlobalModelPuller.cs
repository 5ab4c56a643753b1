using System.Globalization;
using Federated.Edge.Pull.Internal;
using Federated.Protocol;
using Federated.Shared.Serialization;
using Federated.Trust.Bundles;
using Federated.Trust.Pki;
using Federated.Trust.Tls;
using Grpc.Core;
using Grpc.Net.Client;

namespace Federated.Edge.Pull;

/// <summary>
/// Pulls a finished round's global model from a coordinator (FetchGlobalModel in
/// shared/Federated.Protocol/federated.proto) and verifies it before anyone uses it: the model
/// file's SHA-256 checksum, that its parameters hash to the content hash the coordinator announced,
/// and, when a federation CA is given, the coordinator's CMS signature over the file. Needs no join:
/// deployment is not participation (but under mutual TLS a certificate of the federation).
/// </summary>
public sealed class GlobalModelPuller : IDisposable
{
    /// <summary>Largest model accepted, the same ceiling the coordinator puts on uploads.</summary>
    public const long MaxModelBytes = 512L * 1024 * 1024;

    private readonly Coordinator.CoordinatorClient _client;
    private readonly GrpcChannel? _ownedChannel;
    private readonly FederationTrust? _trust;
    private bool _disposed;

    /// <summary>
    /// Connects to the coordinator at <paramref name="address"/>: https:// with <paramref name="credentials"/>
    /// (mutual TLS with the bundle's certificate, the federation CA pinned, and the coordinator's
    /// signature on the model checked), or plain http:// without them (local development only).
    /// </summary>
    public GlobalModelPuller(Uri address, FederationCredentials? credentials = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme is not ("http" or "https"))
            throw new ArgumentException($"The coordinator address '{address}' must start with http:// or https://.", nameof(address));
        if (address.Scheme == "https" && credentials is null)
            throw new ArgumentException($"The coordinator address '{address}' is https://: give a bundle so the federation CA is pinned and a certificate is sent.", nameof(credentials));
        if (address.Scheme == "http" && credentials is not null)
            throw new ArgumentException($"The coordinator address '{address}' is plain http://, but a bundle was given: use https://.", nameof(address));
        var handler = new SocketsHttpHandler();
        if (credentials is not null)
        {
            handler.SslOptions = new FederationTls(credentials).ClientOptions();
            _trust = credentials.Trust;
        }
        _ownedChannel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            // The coordinator sends chunks well below gRPC's 4 MiB ceiling; keep it as a guard.
            MaxReceiveMessageSize = 4 * 1024 * 1024,
            HttpHandler = handler,
            DisposeHttpClient = true,
        });
        _client = new Coordinator.CoordinatorClient(_ownedChannel);
    }

    /// <summary>Uses a caller's channel or call invoker (e.g. with interceptors); it is not disposed here.</summary>
    /// <param name="trust">The federation CA to check the coordinator's signature on the model against; null checks none.</param>
    public GlobalModelPuller(CallInvoker invoker, FederationTrust? trust = null)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        _client = new Coordinator.CoordinatorClient(invoker);
        _trust = trust;
    }

    /// <summary>
    /// Downloads and verifies the output model of <paramref name="round"/> (0: the latest completed round).
    /// Throws <see cref="GlobalModelPullException"/> when the coordinator refuses or the transfer is bad.
    /// </summary>
    public async Task<PulledModel> PullAsync(long round = 0, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var assembler = new GlobalModelAssembler(MaxModelBytes);
        try
        {
            using var call = _client.FetchGlobalModel(new FetchGlobalModelRequest { Round = Math.Max(0, round) }, cancellationToken: cancellationToken);
            while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                assembler.Add(call.ResponseStream.Current);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
        {
            string which = round > 0 ? string.Create(CultureInfo.InvariantCulture, $"round {round}'s model") : "the latest model";
            throw new GlobalModelPullException($"The coordinator did not send {which}: {Describe(e)}", e.StatusCode, e);
        }
        return assembler.Finish(_trust);
    }

    /// <summary>
    /// Pulls like <see cref="PullAsync"/> and writes the verified model file to <paramref name="path"/>
    /// (atomically: nothing is written unless the model checked out).
    /// </summary>
    public async Task<PulledModel> PullToFileAsync(string path, long round = 0, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var model = await PullAsync(round, cancellationToken).ConfigureAwait(false);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        string temporary = path + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        await File.WriteAllBytesAsync(temporary, model.File, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
        return model;
    }

    private static string Describe(RpcException e) => e.StatusCode switch
    {
        StatusCode.Unavailable => $"it is unreachable ({e.Status.Detail})",
        StatusCode.Unimplemented => "it does not serve global models (an older coordinator?)",
        _ => $"{e.Status.Detail} ({e.StatusCode})",
    };

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _ownedChannel?.Dispose();
    }
}
