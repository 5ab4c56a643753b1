namespace Federated.Client.Cli;

/// <summary>What the command line asked for.</summary>
internal sealed record ClientSettings(
    Uri? Coordinator,
    string? Bundle,
    string? PasswordFile,
    bool Insecure,
    string Data,
    string LabelColumn,
    int ShardIndex,
    int ShardCount,
    int ShardSeed,
    double HeldOutFraction,
    int Limit,
    string Device,
    string Name,
    int Threads,
    string CacheDirectory,
    int MaxAttempts,
    double TopKFraction,
    string? DeviceId,
    string? SitePolicy = null,
    string? AuditLog = null);
