namespace Federated.Trust.Bundles;

/// <summary>
/// Where the tools read a bundle's PFX password: the first line of a file, or an environment
/// variable. Never the command line, where other users of the machine can read it.
/// </summary>
public static class BundlePassword
{
    /// <summary>The variable every Federated tool reads a bundle's password from when no file is given.</summary>
    public const string EnvironmentVariable = "FEDERATED_TRUST_BUNDLE_PASSWORD";

    /// <summary>The password; throws <see cref="ArgumentException"/> naming <paramref name="optionName"/> or the variable when it is missing.</summary>
    public static string Read(string? passwordFile, string optionName = "--password-file")
    {
        if (passwordFile is not null)
        {
            if (!File.Exists(passwordFile)) throw new ArgumentException($"{optionName} '{passwordFile}' does not exist.");
            using var reader = new StreamReader(passwordFile);
            return reader.ReadLine() is { Length: > 0 } line ? line : throw new ArgumentException($"{optionName} '{passwordFile}' is empty.");
        }
        return Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } password
            ? password
            : throw new ArgumentException($"The bundle's password is missing: give {optionName} or set {EnvironmentVariable}.");
    }
}
