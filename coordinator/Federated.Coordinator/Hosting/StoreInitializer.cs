using Federated.Coordinator.Persistence;
using Microsoft.Extensions.Hosting;

namespace Federated.Coordinator.Hosting;

/// <summary>
/// Creates or migrates the store while the host starts, before the server accepts calls: a client
/// that joins the moment the port opens must find the schema in place.
/// </summary>
internal sealed class StoreInitializer(ICoordinatorStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
