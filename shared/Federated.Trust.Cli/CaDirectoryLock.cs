namespace Federated.Trust.Cli;

/// <summary>
/// Holds <c>&lt;ca-dir&gt;/.lock</c> exclusively while a command reads, changes and saves the CA,
/// so two runs at once cannot hand out the same serial or lose a revocation.
/// </summary>
internal sealed class CaDirectoryLock : IDisposable
{
    private readonly FileStream _file;

    private CaDirectoryLock(FileStream file) => _file = file;

    public static CaDirectoryLock Acquire(string caDirectory)
    {
        Directory.CreateDirectory(caDirectory);
        var path = Path.Combine(caDirectory, ".lock");
        try
        {
            return new CaDirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e)
        {
            throw new InvalidOperationException($"Another federated-trust command is using the CA in '{caDirectory}' (lock '{path}'); try again when it ends.", e);
        }
    }

    public void Dispose() => _file.Dispose();
}
