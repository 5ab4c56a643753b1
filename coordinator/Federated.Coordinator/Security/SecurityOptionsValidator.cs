using Microsoft.Extensions.Options;

namespace Federated.Coordinator.Security;

/// <summary>Checks the <c>Security</c> section at start-up; every failure names its key and, for files, the path.</summary>
internal sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string S = SecurityOptions.SectionName;
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Mode))
            failures.Add($"{S}:Mode = '{options.Mode}' is invalid: must be {TransportSecurityMode.MutualTls} or {TransportSecurityMode.Insecure}.");
        if (options.Bundle is { } bundle && !Directory.Exists(bundle))
            failures.Add($"{S}:Bundle = '{bundle}' is invalid: no such folder (make one with 'federated-trust issue coordinator').");
        if (options.PasswordFile is { } passwordFile && !File.Exists(passwordFile))
            failures.Add($"{S}:PasswordFile = '{passwordFile}' is invalid: no such file.");
        if (options.RevocationList is { } crl && !File.Exists(crl))
            failures.Add($"{S}:RevocationList = '{crl}' is invalid: no such file (write one with 'federated-trust crl').");
        if (options.RevocationCheckInterval <= TimeSpan.Zero)
            failures.Add($"{S}:RevocationCheckInterval = '{options.RevocationCheckInterval}' is invalid: must be positive.");
        if (options.Bundle is not null && options.PasswordFile is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SecurityOptions.PasswordEnvironmentVariable)))
            failures.Add($"{S}:Bundle is set but its password is not: set {S}:PasswordFile or the {SecurityOptions.PasswordEnvironmentVariable} environment variable.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
