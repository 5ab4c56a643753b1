using System.CommandLine;
using Federated.Trust.Pki;

namespace Federated.Trust.Cli;

/// <summary>Options every command shares (the CA folder and its password) and how passwords are read.</summary>
internal sealed class CommonOptions
{
    public const string CaDirectoryVariable = "FEDERATED_TRUST_CA_DIR";
    public const string CaPasswordVariable = "FEDERATED_TRUST_CA_PASSWORD";
    public const string BundlePasswordVariable = Federated.Trust.Bundles.BundlePassword.EnvironmentVariable;

    private readonly Func<string, string?> _environment;

    public CommonOptions(Func<string, string?> environment)
    {
        _environment = environment;
        CaDirectory = new Option<string>("--ca-dir")
        {
            Description = $"Folder of the federation CA (key, ledger, CRL). Default: ${CaDirectoryVariable}, else ./federation-ca.",
            DefaultValueFactory = _ => environment(CaDirectoryVariable) is { Length: > 0 } dir ? dir : "federation-ca",
            Recursive = true,
        };
        PasswordFile = new Option<FileInfo?>("--password-file")
        {
            Description = $"File whose first line is the CA key password. Otherwise ${CaPasswordVariable}. Never prompted or echoed.",
            Recursive = true,
        };
    }

    public Option<string> CaDirectory { get; }

    public Option<FileInfo?> PasswordFile { get; }

    /// <summary>A bundle-password option (issue commands): the PFX password of the party's bundle.</summary>
    public static Option<FileInfo?> BundlePasswordFile() => new("--bundle-password-file")
    {
        Description = $"File whose first line is the password of the bundle's PFX. Otherwise ${BundlePasswordVariable}.",
    };

    public string CaPassword(ParseResult result) =>
        Password(result.GetValue(PasswordFile), CaPasswordVariable, "--password-file", "CA key");

    public string BundlePassword(ParseResult result, Option<FileInfo?> option) =>
        Password(result.GetValue(option), BundlePasswordVariable, option.Name, "bundle PFX");

    /// <summary>Locks the CA folder for a read-change-save command.</summary>
    public CaDirectoryLock Lock(ParseResult result) => CaDirectoryLock.Acquire(result.GetValue(CaDirectory)!);

    public FederationAuthority LoadAuthority(ParseResult result) =>
        FederationAuthority.Load(result.GetValue(CaDirectory)!, CaPassword(result));

    private string Password(FileInfo? file, string variable, string option, string what)
    {
        if (file is not null)
        {
            if (!file.Exists)
            {
                throw new ArgumentException($"{option}: '{file.FullName}' does not exist.");
            }

            // The first line only, so a trailing newline from 'echo' is not part of the password.
            var line = File.ReadLines(file.FullName).FirstOrDefault();
            return string.IsNullOrEmpty(line)
                ? throw new ArgumentException($"{option}: '{file.FullName}' is empty; its first line must be the {what} password.")
                : line;
        }

        return _environment(variable) is { Length: > 0 } value
            ? value
            : throw new ArgumentException($"No {what} password: pass {option} FILE or set {variable}.");
    }
}
