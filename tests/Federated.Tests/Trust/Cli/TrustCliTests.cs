using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using Federated.Trust.Bundles;
using Federated.Trust.Cli;
using Federated.Trust.Pki;

namespace Federated.Tests.Trust.Cli;

public sealed class TrustCliTests : IDisposable
{
    private const string CaPassword = "ca-secret-4711";
    private const string BundlePassword = "bundle-secret-0815";
    private readonly string _directory = Directory.CreateTempSubdirectory("federated-trust-cli-").FullName;
    private readonly Dictionary<string, string> _environment = [];

    private string CaDirectory => Path.Combine(_directory, "ca");

    private string PasswordFile => Path.Combine(_directory, "ca.pw");

    public TrustCliTests()
    {
        File.WriteAllText(PasswordFile, CaPassword + "\n");
        _environment[CommonOptions.BundlePasswordVariable] = BundlePassword;
    }

    [Fact]
    public void Provisioning_CreatesBundlesThatLoadAndRevocationReachesTheCrl()
    {
        Assert.Equal(0, Run("ca", "create", "--federation", "clinics").Exit);
        Assert.Equal(0, Run("issue", "coordinator", "--dns", "localhost", "--ip", "127.0.0.1", "--address", "https://localhost:5001",
            "--out", Bundle("coordinator")).Exit);
        Assert.Equal(0, Run("issue", "site", "site-a", "--rsa", "--out", Bundle("site-a")).Exit);

        var revoke = Run("revoke", "site-a", "--reason", "KeyCompromise");
        var list = Run("list");

        Assert.Equal(0, revoke.Exit);
        using var coordinator = FederationCredentials.Load(Bundle("coordinator"), BundlePassword);
        using var site = FederationCredentials.Load(Bundle("site-a"), BundlePassword);
        Assert.Equal(FederationRole.Coordinator, coordinator.Role);
        Assert.Equal("https://localhost:5001", coordinator.Manifest!.CoordinatorAddress);
        Assert.True(File.Exists(Path.Combine(Bundle("coordinator"), BundleFiles.Key("coordinator"))));
        Assert.NotNull(site.Certificate.GetRSAPrivateKey());

        // The site bundle predates the revocation; the CA folder's CRL is the new one.
        var current = FederationTrust.Load(Path.Combine(CaDirectory, BundleFiles.Ca), Path.Combine(CaDirectory, BundleFiles.Crl));
        var check = current.Check(site.Certificate, FederationRole.Site);
        Assert.False(check.Trusted);
        Assert.Contains("KeyCompromise", check.Reason, StringComparison.Ordinal);
        Assert.True(current.Check(coordinator.Certificate, FederationRole.Coordinator).Trusted);
        Assert.Contains("site-a", list.Output, StringComparison.Ordinal);
        Assert.Contains("revoked", list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingPassword_FailsNamingBothSourcesAndNeverEchoes()
    {
        Assert.Equal(0, Run("ca", "create", "--federation", "clinics").Exit);
        _environment.Remove(CommonOptions.BundlePasswordVariable);

        var noBundlePassword = Run("issue", "site", "site-a", "--out", Bundle("site-a"));
        var noCaPassword = Run(withPasswordFile: false, "list");

        Assert.Equal(1, noBundlePassword.Exit);
        Assert.Contains("--bundle-password-file", noBundlePassword.Error, StringComparison.Ordinal);
        Assert.Contains(CommonOptions.BundlePasswordVariable, noBundlePassword.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Bundle("site-a")));
        Assert.Equal(1, noCaPassword.Exit);
        Assert.Contains(CommonOptions.CaPasswordVariable, noCaPassword.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(CaPassword, noBundlePassword.Output + noBundlePassword.Error + noCaPassword.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void CaCreate_RefusesToOverwriteAndWrongPasswordIsReported()
    {
        Assert.Equal(0, Run("ca", "create", "--federation", "clinics").Exit);

        var again = Run("ca", "create", "--federation", "other");
        File.WriteAllText(PasswordFile, "not-it\n");
        var wrong = Run("list");

        Assert.Equal(1, again.Exit);
        Assert.Contains("refusing to overwrite", again.Error, StringComparison.Ordinal);
        Assert.Equal(1, wrong.Exit);
        Assert.Contains("wrong password", wrong.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Revoke_OfNameThatIsAlsoASerial_AsksWhichOne()
    {
        Assert.Equal(0, Run("ca", "create", "--federation", "clinics").Exit);
        Assert.Equal(0, Run("issue", "site", "02", "--out", Bundle("02")).Exit);
        Assert.Equal(0, Run("issue", "site", "site-b", "--out", Bundle("site-b")).Exit);

        var ambiguous = Run("revoke", "02");
        var bySerial = Run("revoke", "serial:02");

        Assert.Equal(1, ambiguous.Exit);
        Assert.Contains("'id:02' or 'serial:02'", ambiguous.Error, StringComparison.Ordinal);
        Assert.Equal(0, bySerial.Exit);
        Assert.Contains("site-b serial 02: revoked", bySerial.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Issue_WithBadAddressOrNoCoordinatorNames_ChangesNothing()
    {
        Assert.Equal(0, Run("ca", "create", "--federation", "clinics").Exit);

        var badAddress = Run("issue", "site", "site-a", "--address", "ftp://x", "--out", Bundle("site-a"));
        var noNames = Run("issue", "coordinator", "--out", Bundle("coordinator"));
        var list = Run("list");

        Assert.Equal(1, badAddress.Exit);
        Assert.Contains("coordinatorAddress 'ftp://x' is not an http(s) URL", badAddress.Error, StringComparison.Ordinal);
        Assert.Equal(1, noNames.Exit);
        Assert.Contains("at least one DNS name or IP address", noNames.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("site-a", list.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Coordinator", list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Crl_WritesDerSignedByTheCa()
    {
        Assert.Equal(0, Run("ca", "create", "--federation", "clinics").Exit);
        var path = Path.Combine(_directory, "crl.der");

        var result = Run("crl", "--der", "--out", path, "--next-update-days", "7");

        Assert.Equal(0, result.Exit);
        var trust = FederationTrust.Create(PemFiles.LoadCertificate(Path.Combine(CaDirectory, BundleFiles.Ca)), File.ReadAllBytes(path));
        Assert.InRange(trust.RevocationList.NextUpdate!.Value - trust.RevocationList.ThisUpdate, TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void Issue_WhileAnotherRunHoldsTheCa_RefusesAndIssuesNothing()
    {
        Assert.Equal(0, Run("ca", "create", "--federation", "clinics").Exit);

        (int Exit, string Output, string Error) blocked;
        using (CaDirectoryLock.Acquire(CaDirectory))
        {
            blocked = Run("issue", "site", "site-a", "--out", Bundle("site-a"));
        }

        Assert.Equal(1, blocked.Exit);
        Assert.Contains("Another federated-trust command is using the CA", blocked.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Bundle("site-a")));
        Assert.Equal(0, Run("issue", "site", "site-a", "--out", Bundle("site-a")).Exit);
    }

    [Fact]
    public void Envelope_SealsToRsaBundlesOnlyTheRecipientsOpenAndAnEcSiteIsRefusedWithTheReason()
    {
        Assert.Equal(0, Run("ca", "create", "--federation", "clinics").Exit);
        Assert.Equal(0, Run("issue", "site", "lab-1", "--rsa", "--out", Bundle("lab-1")).Exit);
        Assert.Equal(0, Run("issue", "site", "lab-2", "--rsa", "--out", Bundle("lab-2")).Exit);
        Assert.Equal(0, Run("issue", "site", "lab-3", "--rsa", "--out", Bundle("lab-3")).Exit);
        Assert.Equal(0, Run("issue", "site", "phone-1", "--out", Bundle("phone-1")).Exit);
        string model = Path.Combine(_directory, "model.fedmodel");
        byte[] content = new byte[100_000];
        new Random(7).NextBytes(content);
        File.WriteAllBytes(model, content);
        string sealedFile = Path.Combine(_directory, "model.p7m");

        var seal = Run("envelope", "seal", model, "--to", Bundle("lab-1"), "--to", Path.Combine(Bundle("lab-2"), BundleFiles.Certificate("lab-2")), "-o", sealedFile);
        var openOne = Run("envelope", "open", sealedFile, "--bundle", Bundle("lab-1"), "-o", Path.Combine(_directory, "one.fedmodel"));
        var openTwo = Run("envelope", "open", sealedFile, "--bundle", Bundle("lab-2"), "-o", Path.Combine(_directory, "two.fedmodel"));
        var openThree = Run("envelope", "open", sealedFile, "--bundle", Bundle("lab-3"), "-o", Path.Combine(_directory, "three.fedmodel"));
        var toPhone = Run("envelope", "seal", model, "--to", Bundle("phone-1"), "-o", Path.Combine(_directory, "phone.p7m"));

        Assert.True(seal.Exit == 0, seal.Error);
        Assert.Contains("lab-1, lab-2", seal.Output, StringComparison.Ordinal);
        Assert.Equal(-1, File.ReadAllBytes(sealedFile).AsSpan().IndexOf(content.AsSpan(0, 64)));
        Assert.Equal(0, openOne.Exit);
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(_directory, "one.fedmodel")));
        Assert.Equal(0, openTwo.Exit);
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(_directory, "two.fedmodel")));
        Assert.Equal(1, openThree.Exit);
        Assert.Contains("not addressed to", openThree.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "three.fedmodel")));
        Assert.Equal(1, toPhone.Exit);
        Assert.Contains("ECDH", toPhone.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "phone.p7m")));
    }

    private string Bundle(string identity) => Path.Combine(_directory, "bundles", identity);

    private (int Exit, string Output, string Error) Run(params string[] args) => Run(true, args);

    private (int Exit, string Output, string Error) Run(bool withPasswordFile, params string[] args)
    {
        var all = new List<string>(args) { "--ca-dir", CaDirectory };
        if (withPasswordFile)
        {
            all.AddRange(["--password-file", PasswordFile]);
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = TrustCommand.Create(name => _environment.GetValueOrDefault(name))
            .Parse(all).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
