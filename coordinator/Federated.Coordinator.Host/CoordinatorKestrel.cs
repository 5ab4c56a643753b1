using Federated.Coordinator.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Federated.Coordinator.Host;

/// <summary>
/// Kestrel settings of the coordinator executable. Configuration still wins: every Kestrel option can
/// be set under <c>Kestrel</c> (e.g. <c>Kestrel:Limits:Http2:InitialStreamWindowSize</c>). Every
/// https:// endpoint is a mutual-TLS endpoint of the federation (<c>Security</c> section).
/// </summary>
internal static class CoordinatorKestrel
{
    /// <summary>
    /// HTTP/2 receive window per stream. Kestrel accepts this much of every upload before the service
    /// reads it, also of uploads that wait for an upload slot (Federation:MaxConcurrentUploads): with
    /// Kestrel's 768 KiB default, a hundred clients uploading at once park 75 MB in the server, sixteen
    /// times the CNN. Two chunks' worth (Federation:ChunkBytes, 64 KiB) keeps an upload streaming while
    /// the service copies the previous chunk. It also caps one upload at window ÷ round-trip time
    /// (2.6 MB/s at 50 ms): raise it for few clients on long, fast links.
    /// </summary>
    public const int StreamWindowBytes = 128 * 1024;

    /// <summary>The window of a whole connection; one client's connection carries one upload at a time.</summary>
    public const int ConnectionWindowBytes = 2 * StreamWindowBytes;

    public static WebApplicationBuilder UseCoordinatorKestrelDefaults(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.Http2.InitialStreamWindowSize = StreamWindowBytes;
            kestrel.Limits.Http2.InitialConnectionWindowSize = ConnectionWindowBytes;
            kestrel.UseFederationHttpsDefaults();
        });
        // Registered after the defaults above, so settings from configuration override them.
        builder.Services.Configure<KestrelServerOptions>(builder.Configuration.GetSection("Kestrel"));
        return builder;
    }

    /// <summary>
    /// Under mutual TLS, refuses to run with a plain-text endpoint (an http:// URL left in
    /// configuration): such an endpoint would let anyone reach the service without a certificate.
    /// </summary>
    public static void RequireTlsEndpoints(IServiceProvider services)
    {
        if (!services.GetRequiredService<TransportSecurity>().IsMutualTls) return;
        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var plain = addresses.Where(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)).ToList();
        if (plain.Count > 0)
            throw new InvalidOperationException(
                $"{SecurityOptions.SectionName}:Mode is {TransportSecurityMode.MutualTls} but Kestrel listens in plain text on {string.Join(", ", plain)}: " +
                $"use https:// URLs (Urls, Kestrel:Endpoints) or set {SecurityOptions.SectionName}:Mode={TransportSecurityMode.Insecure} for local development.");
    }
}
