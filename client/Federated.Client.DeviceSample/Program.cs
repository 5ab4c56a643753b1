using System.Globalization;
using Federated.Client;
using Federated.Client.DeviceSample;
using Federated.Client.Managed;
using Federated.Client.Mqtt;
using Federated.Shared.Data;
using Federated.Trust.Bundles;
using Federated.Trust.Pki;
using Federated.Trust.Tls;
using Microsoft.Extensions.Logging;

// A phone-class device: joins over MQTT, trains the model the coordinator sends with the managed
// trainer (logistic regression, MLPs, or only the last layer of a shipped feature extractor), and
// keeps going through lost connections until the federation finishes.
//
//   federated-device <broker host> <port> <federation> (--bundle DIR [--password-file F] | --insecure)
//                    [--data fashion-mnist|file.csv] [--shard K/N] [--limit N] [--last-layer-only]
//                    [--device-id ID] [--cache DIR]
if (args.Length < 3 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: federated-device <broker host> <port> <federation> (--bundle DIR [--password-file F] | --insecure) [--data fashion-mnist|file.csv] [--shard K/N] [--limit N] [--last-layer-only] [--device-id ID] [--cache DIR]");
    return 2;
}

var settings = DeviceSettings.Parse(args);
if (settings.Error is not null)
{
    Console.Error.WriteLine(settings.Error);
    return 2;
}

using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(console =>
{
    console.SingleLine = true;
    console.TimestampFormat = "HH:mm:ss ";
}));
var log = loggers.CreateLogger("federated-device");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    var all = settings.Data.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
        ? CsvDatasetReader.Read(settings.Data, "label").Data
        : FashionMnist.Load(FashionMnistSplit.Train, settings.Data == "fashion-mnist" ? null : settings.Data);
    var local = settings.ShardCount > 1 ? DatasetSharding.Shard(all, settings.ShardIndex, settings.ShardCount, 42) : all;
    if (settings.Limit > 0) local = local.Take(settings.Limit);
    var (train, heldOut) = DatasetSharding.Split(local, 0.1, 42);
    var trainer = new ManagedTrainer(train, heldOut, new ManagedTrainerOptions { Scope = settings.LastLayerOnly ? TrainingScope.LastLayer : TrainingScope.AllLayers });

    // With a bundle the device is its certificate: TLS to the broker, its identity as device id,
    // models checked against the coordinator's signature, updates signed.
    using var credentials = settings.Bundle is null ? null : FederationCredentials.Load(settings.Bundle, BundlePassword.Read(settings.PasswordFile));
    var tls = credentials is null ? null : new FederationTls(credentials);
    if (tls is null) DeviceLog.PlainText(log);
    await using var connection = new MqttCoordinatorConnection(new MqttConnectionOptions
    {
        Host = settings.Host,
        Port = settings.Port,
        Federation = settings.Federation,
        DeviceId = tls?.Identity ?? settings.DeviceId ?? MqttConnectionOptions.LoadOrCreateDeviceId(settings.CacheDirectory),
        Tls = tls,
    }, loggers.CreateLogger<MqttCoordinatorConnection>());
    var options = new FederatedClientOptions { Name = "device-sample", CacheDirectory = settings.CacheDirectory, Credentials = credentials };
    options.Properties["trainer"] = "managed";
    options.Properties["examples"] = train.Count.ToString(CultureInfo.InvariantCulture);
    var client = new FederatedClient(connection, trainer, options, loggers.CreateLogger<FederatedClient>());
    var summary = await client.RunAsync(stop.Token).ConfigureAwait(false);
    DeviceLog.Done(log, summary.TasksCompleted, summary.FinalModelHash ?? "-");
    return 0;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    return 130;
}
catch (Exception e) when (e is Federated.Client.Connection.CoordinatorUnreachableException or IOException or InvalidDataException or FormatException or ArgumentException
    or FederationTrustException)
{
    DeviceLog.Failed(log, e.Message);
    return 1;
}
