using Federated.Coordinator.Evaluation;
using Federated.Coordinator.Host;
using Federated.Coordinator.Hosting;
using Federated.Coordinator.Mqtt;

// The coordinator: options come from appsettings.json, then environment variables
// (Federation__Rounds=5), then the command line (--Federation:Rounds 5 --urls https://0.0.0.0:5050).
// Transports use mutual TLS with the bundle in Security:Bundle unless Security:Mode is Insecure.
// The content root is the executable's folder, so its appsettings.json is found from any working directory.
// federated-coordinator mosquitto-config …: write an external broker's TLS settings and ACL, then exit.
if (args.Length > 0 && args[0] == MosquittoConfigCommand.Name) return MosquittoConfigCommand.Run(args[1..]);

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.UseCoordinatorKestrelDefaults();
builder.Services.AddFederatedCoordinator(builder.Configuration);
// Phones and small devices over MQTT (Mqtt:Enabled): the embedded broker or an external one.
builder.Services.AddFederatedMqtt(builder.Configuration);
builder.Services.AddOptions<CentralEvaluationOptions>()
    .Bind(builder.Configuration.GetSection(CentralEvaluationOptions.SectionName), binder => binder.ErrorOnUnknownConfiguration = true)
    .Validate(o => o.Dataset is "none" or "fashion-mnist" || o.Dataset.EndsWith(".csv", StringComparison.OrdinalIgnoreCase),
        $"{CentralEvaluationOptions.SectionName}:Dataset must be 'none', 'fashion-mnist' or a path to a .csv file.")
    .Validate(o => o.Limit >= 0, $"{CentralEvaluationOptions.SectionName}:Limit must be 0 (all) or positive.")
    .Validate(o => o.Threads >= 0, $"{CentralEvaluationOptions.SectionName}:Threads must be 0 (default) or positive.")
    .ValidateOnStart();
if (!string.Equals(builder.Configuration[$"{CentralEvaluationOptions.SectionName}:Dataset"], "none", StringComparison.OrdinalIgnoreCase))
    builder.Services.AddSingleton<ICentralEvaluator, TorchCentralEvaluator>();

var app = builder.Build();
app.MapFederatedCoordinator();
app.MapGet("/", () => "Federated coordinator: gRPC service federated.v1.Coordinator (HTTP/2).");
await app.StartAsync().ConfigureAwait(false);
try
{
    CoordinatorKestrel.RequireTlsEndpoints(app.Services);
}
catch (InvalidOperationException)
{
    await app.StopAsync().ConfigureAwait(false);
    throw;
}
await app.WaitForShutdownAsync().ConfigureAwait(false);
return 0;
