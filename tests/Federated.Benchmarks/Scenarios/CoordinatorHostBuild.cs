namespace Federated.Benchmarks.Scenarios;

/// <summary>The coordinator executable the benchmarks project builds beside itself, for scenarios that run it as its own process.</summary>
internal static class CoordinatorHostBuild
{
    public static string Assembly()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "Federated.sln"))) directory = Path.GetDirectoryName(directory);
        if (directory is null) throw new InvalidOperationException("Run this from inside the repository (Federated.sln not found above the benchmarks).");
        string host = Path.Combine(directory, "coordinator/Federated.Coordinator.Host/bin/Release/net10.0/federated-coordinator.dll");
        return File.Exists(host) ? host : throw new FileNotFoundException("Build the coordinator host first: dotnet build coordinator/Federated.Coordinator.Host -c Release", host);
    }
}
