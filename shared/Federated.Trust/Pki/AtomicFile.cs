namespace Federated.Trust.Pki;

/// <summary>
/// Writes a file by writing a temporary sibling and renaming it over the target, so a reader
/// (a verifier reloading the CRL, Mosquitto) never sees a half-written file.
/// </summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string text, bool ownerOnly = false) =>
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text), ownerOnly);

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes, bool ownerOnly = false)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (ownerOnly && !OperatingSystem.IsWindows())
            {
                // Private keys: readable by the owner only, from the moment the file exists.
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
