// Inline MSBuild task (compiled by RoslynCodeTaskFactory): marks one symbol-version need
// of ELF64 little-endian shared libraries as weak, so the dynamic linker loads them
// against a system library that lacks that version. Layouts from the System V gABI and
// the LSB "Symbol Versioning" chapter (Elf64_Shdr, Elf64_Verneed, Elf64_Vernaux).
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class MarkElfVersionNeedWeak : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string VersionName { get; set; } = "";
    [Required] public string SystemLibrary { get; set; } = "";

    public override bool Execute()
    {
        if (ContainsAscii(File.ReadAllBytes(SystemLibrary), VersionName))
        {
            return true; // The system library has the version: nothing to mend.
        }

        int patched = 0;
        string first = "";
        foreach (var item in Files)
        {
            string path = item.GetMetadata("FullPath");
            string outcome = Patch(path);
            if (outcome.StartsWith("error:", StringComparison.Ordinal))
            {
                Log.LogError("Federated: cannot mark {0} weak in {1}: {2}", VersionName, path, outcome.Substring(6));
                return false;
            }
            if (outcome == "patched")
            {
                if (patched++ == 0) first = path;
            }
        }
        if (patched > 0)
        {
            // One line per build, however many copies there are.
            Log.LogMessage(MessageImportance.High,
                "Federated: {0} lacks {1}; marked that version need weak in {2}{3} (only std::ios_base_library_init needs it).",
                SystemLibrary, VersionName, first, patched > 1 ? " and " + (patched - 1) + " other copies" : "");
        }
        return !Log.HasLoggedErrors;
    }

    private string Patch(string path)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            return "error:not an ELF file";
        if (elf[4] != 2 || elf[5] != 1)
            return "error:not a 64-bit little-endian ELF file";

        ulong shoff = BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;

            int verneedOffset = checked((int)BitConverter.ToUInt64(elf, sh + 0x18));
            int strtabIndex = (int)BitConverter.ToUInt32(elf, sh + 0x28);
            int verneedCount = (int)BitConverter.ToUInt32(elf, sh + 0x2C);
            int strtabSection = checked((int)shoff + strtabIndex * shentsize);
            int strtabOffset = checked((int)BitConverter.ToUInt64(elf, strtabSection + 0x18));

            int vn = verneedOffset;
            for (int n = 0; n < verneedCount; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, vn + 2);
                int aux = vn + (int)BitConverter.ToUInt32(elf, vn + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    int nameOffset = strtabOffset + (int)BitConverter.ToUInt32(elf, aux + 8);
                    if (NameAt(elf, nameOffset) == VersionName)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, aux + 4);
                        if ((flags & VerFlagWeak) != 0) return "already";
                        flags |= VerFlagWeak;
                        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
                        stream.Position = aux + 4;
                        stream.Write(BitConverter.GetBytes(flags), 0, 2);
                        return "patched";
                    }
                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }
                vn += (int)BitConverter.ToUInt32(elf, vn + 12);
            }
            return "absent";
        }
        return "absent";
    }

    private static string NameAt(byte[] bytes, int offset)
    {
        int end = Array.IndexOf(bytes, (byte)0, offset);
        return Encoding.ASCII.GetString(bytes, offset, end - offset);
    }

    private static bool ContainsAscii(byte[] haystack, string needle)
    {
        // RoslynCodeTaskFactory compiles against netstandard2.0: no span search there.
        byte[] pattern = Encoding.ASCII.GetBytes(needle + "\0");
        for (int start = Array.IndexOf(haystack, pattern[0]); start >= 0 && start <= haystack.Length - pattern.Length;
             start = Array.IndexOf(haystack, pattern[0], start + 1))
        {
            int k = 1;
            while (k < pattern.Length && haystack[start + k] == pattern[k]) k++;
            if (k == pattern.Length) return true;
        }
        return false;
    }
}
