using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace Federated.Tests.Trust.Tls;

/// <summary>
/// gRPC channels that trust the federation's coordinator and present whatever certificate a test
/// chooses (or none): the tools of a client that does not play by the rules, to see the coordinator refuse it.
/// </summary>
internal static class TlsTestChannels
{
    public static GrpcChannel Raw(TlsFederation federation, Uri address, X509Certificate2? clientCertificate) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                SslOptions =
                {
                    RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 server && federation.Trusts(server),
                    LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate!,
                },
            },
            DisposeHttpClient = true,
        });
}
