using System.Security.Cryptography;
using IplsCore.Persistence;

namespace IplsWeb.Hosting;

/// <summary>The fleet token: configured, or generated once (random, 32 bytes) and kept in the data directory, owner-only (0600).</summary>
public static class FleetTokenStore
{
    public static string Resolve(DashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrEmpty(options.FleetToken))
        {
            if (options.FleetToken.Length < 16)
            {
                throw new InvalidOperationException("Dashboard:FleetToken must be at least 16 characters.");
            }

            return options.FleetToken;
        }

        string path = Path.Combine(options.DataDirectory, "fleet-token");
        if (File.Exists(path))
        {
            SecretFiles.RestrictToOwner(path);
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(options.DataDirectory);
        string token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        AtomicFile.Write(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(token)), AtomicFile.OwnerOnly);
        return token;
    }
}
