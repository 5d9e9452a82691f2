using IplsCore.Persistence;

namespace IplsWeb.Hosting;

/// <summary>Files in the data directory that hold secrets are owner-only (0600).</summary>
internal static class SecretFiles
{
    /// <summary>
    /// Takes group and other permissions off an existing secret file: versions before this one wrote
    /// them with the umask's mode (usually 0644).
    /// </summary>
    public static void RestrictToOwner(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if ((File.GetUnixFileMode(path) & ~AtomicFile.OwnerOnly) != 0)
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) & AtomicFile.OwnerOnly);
        }
    }
}
