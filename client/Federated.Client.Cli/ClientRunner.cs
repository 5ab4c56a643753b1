using System.Globalization;
using Federated.Client.Connection;
using Federated.Client.Mqtt;
using Federated.Client.SecureAggregation;
using Federated.Client.Torch;
using Federated.Client.Trust;
using Federated.Shared.Data;
using Federated.Trust.Audit;
using Federated.Trust.Tls;
using Microsoft.Extensions.Logging;

namespace Federated.Client.Cli;

/// <summary>Loads the local data, connects, and runs the task loop until the federation ends.</summary>
internal static partial class ClientRunner
{
    public static async Task<int> RunAsync(ClientSettings settings, CancellationToken cancellationToken)
    {
        using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        }));
        var log = loggers.CreateLogger("federated-client");
        try
        {
            // Credentials first: a wrong bundle or password should not wait for the data to load.
            var (address, tls) = ClientCredentials.Resolve(settings.Coordinator, settings.Bundle, settings.PasswordFile, settings.Insecure);
            if (tls is null) LogInsecure(log, address);
            else LogMutualTls(log, tls.Identity, address);
            // The site's own rules and audit log, before any data is read.
            var policy = settings.SitePolicy is { } policyFile ? SitePolicyLoader.Load(policyFile) : null;
            using var audit = settings.AuditLog is { } auditFile ? AuditLog.Open(auditFile) : null;
            var (train, heldOut) = LoadData(settings);
            int heldOutCount = heldOut?.Count ?? 0;
            LogData(log, train.Count, heldOutCount, settings.ShardIndex + 1, settings.ShardCount, settings.Device);

            var trainer = new TorchTrainer(train, heldOut, settings.Device, loggers.CreateLogger<TorchTrainer>(), settings.Threads);
            var options = new FederatedClientOptions
            {
                Name = settings.Name,
                CacheDirectory = settings.CacheDirectory,
                MaxAttempts = settings.MaxAttempts,
                TopKFraction = settings.TopKFraction,
                SecureAggregation = new SecureAggregationParticipant(),
                // With a bundle the client verifies model signatures and signs its updates with the same certificate.
                Credentials = tls?.Credentials,
                SitePolicy = policy,
                AuditLog = audit,
            };
            options.Properties["device"] = settings.Device;
            options.Properties["examples"] = train.Count.ToString(CultureInfo.InvariantCulture);
            await using var connection = Connect(address, tls, settings, loggers);
            var client = new FederatedClient(connection, trainer, options, loggers.CreateLogger<FederatedClient>());
            var summary = await client.RunAsync(cancellationToken).ConfigureAwait(false);
            string finalModel = summary.FinalModelHash ?? "-";
            LogDone(log, summary.TasksCompleted, finalModel);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogStopped(log);
            return 130;
        }
        catch (Exception e) when (e is CoordinatorUnreachableException or FileNotFoundException or InvalidDataException or FormatException or ArgumentException or DirectoryNotFoundException)
        {
            LogFailed(log, e.Message);
            return 1;
        }
    }

    /// <summary>gRPC for http(s):// addresses; MQTT through a broker for mqtt(s)://host:port/federation (with TLS the device id is the certificate's identity).</summary>
    private static ICoordinatorConnection Connect(Uri address, FederationTls? tls, ClientSettings settings, ILoggerFactory loggers)
    {
        if (address.Scheme is not ("mqtt" or "mqtts")) return new GrpcCoordinatorConnection(address, tls);
        return new MqttCoordinatorConnection(new MqttConnectionOptions
        {
            Host = address.Host,
            Port = address.IsDefaultPort || address.Port < 0 ? (tls is null ? 1883 : 8883) : address.Port,
            Federation = address.AbsolutePath.Trim('/'),
            DeviceId = tls?.Identity ?? settings.DeviceId ?? MqttConnectionOptions.LoadOrCreateDeviceId(settings.CacheDirectory),
            Tls = tls,
        }, loggers.CreateLogger<MqttCoordinatorConnection>());
    }

    private static (LabeledDataset Train, LabeledDataset? HeldOut) LoadData(ClientSettings settings)
    {
        LabeledDataset all = settings.Data.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
            ? CsvDatasetReader.Read(settings.Data, settings.LabelColumn).Data
            : FashionMnist.Load(FashionMnistSplit.Train, settings.Data == "fashion-mnist" ? null : settings.Data);
        var shard = settings.ShardCount > 1 ? DatasetSharding.Shard(all, settings.ShardIndex, settings.ShardCount, settings.ShardSeed) : all;
        if (settings.Limit > 0) shard = shard.Take(settings.Limit);
        if (settings.HeldOutFraction <= 0) return (shard, null);
        var (train, heldOut) = DatasetSharding.Split(shard, settings.HeldOutFraction, settings.ShardSeed);
        return (train, heldOut);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Local data: {Train} training and {HeldOut} held-out examples (shard {Shard} of {Shards}); device {Device}")]
    private static partial void LogData(ILogger logger, int train, int heldOut, int shard, int shards, string device);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connecting to {Address} in plain text (--insecure): no certificate, the coordinator is not authenticated. For local development only.")]
    private static partial void LogInsecure(ILogger logger, Uri address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connecting to {Address} with mutual TLS as {Identity}")]
    private static partial void LogMutualTls(ILogger logger, string identity, Uri address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Done: {Tasks} tasks completed; final model {Hash}")]
    private static partial void LogDone(ILogger logger, int tasks, string hash);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped before the federation finished")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Message}")]
    private static partial void LogFailed(ILogger logger, string message);
}
