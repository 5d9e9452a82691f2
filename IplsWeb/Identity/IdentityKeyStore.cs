using System.Security.Cryptography;
using IplsCore.Persistence;
using IplsWeb.Hosting;

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
            SecretFiles.RestrictToOwner(path);
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(dataDirectory);
        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        AtomicFile.Write(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(key)), AtomicFile.OwnerOnly);
        return key;
    }
}
