using System.Globalization;
using Federated.Coordinator.Mqtt;
using Federated.Trust.Pki;

namespace Federated.Coordinator.Host;

/// <summary>
/// <c>federated-coordinator mosquitto-config --bundle DIR --out DIR [--federation NAME] [--port N] [--bind ADDRESS]</c>:
/// writes <c>federated-tls.conf</c> (include it from mosquitto.conf) and <c>federated.acl</c> for a
/// Mosquitto 2 broker serving the federation with mutual TLS, from the coordinator's bundle.
/// </summary>
internal static class MosquittoConfigCommand
{
    public const string Name = "mosquitto-config";

    public static int Run(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["--federation"] = "default", ["--port"] = "8883", ["--bind"] = "0.0.0.0" };
        for (int i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length || !args[i].StartsWith("--", StringComparison.Ordinal) || !(values.ContainsKey(args[i]) || args[i] is "--bundle" or "--out"))
                return Fail($"'{args[i]}' is not an option of {Name} (--bundle DIR --out DIR [--federation NAME] [--port N] [--bind ADDRESS]).");
            values[args[i]] = args[i + 1];
        }
        if (!values.TryGetValue("--bundle", out string? bundle) || !values.TryGetValue("--out", out string? output))
            return Fail($"{Name} needs --bundle (the coordinator's bundle folder) and --out (where to write the files).");
        if (!int.TryParse(values["--port"], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            return Fail($"--port '{values["--port"]}' is not a TCP port.");
        try
        {
            string acl = Path.Combine(output, "federated.acl");
            var generated = MosquittoTlsConfiguration.Create(bundle, values["--federation"], port, acl, values["--bind"]);
            Directory.CreateDirectory(output);
            File.WriteAllText(Path.Combine(output, "federated-tls.conf"), generated.Configuration);
            File.WriteAllText(acl, generated.Acl);
            Console.WriteLine($"Wrote {Path.GetFullPath(Path.Combine(output, "federated-tls.conf"))} and {Path.GetFullPath(acl)}; put the first in mosquitto.conf or its include_dir.");
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or FederationTrustException or IOException or UnauthorizedAccessException)
        {
            return Fail(e.Message);
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
