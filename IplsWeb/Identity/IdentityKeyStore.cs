using System.Security.Cryptography;
using IplsCore.Persistence;

namespace IplsWeb.Identity;

/// <summary>The key vehicle credentials derive from: configured, or generated once (32 random bytes) and kept in the data directory.</summary>
public static class IdentityKeyStore
{
    public const string FileName = "identity-key";

    public static string Resolve(IdentityOptions identity, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (!string.IsNullOrEmpty(identity.Key))
        {
            return identity.Key;
        }

        string path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(dataDirectory);
        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        AtomicFile.Write(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(key)));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return key;
    }
}
