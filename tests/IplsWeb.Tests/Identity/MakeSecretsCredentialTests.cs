using System.Diagnostics;
using IplsWeb.Identity;

namespace IplsWeb.Tests.Identity;

/// <summary>
/// scripts/make-secrets.sh derives each vehicle's broker password with openssl; the dashboard derives it with
/// <see cref="VehicleCredentials"/>. They must agree, or a provisioned device is refused.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // bash, openssl
public sealed class MakeSecretsCredentialTests
{
    [Fact]
    public async Task ScriptDerivation_EqualsTheDashboards_ForAFixedKey()
    {
        // A key with both base64url's own characters ('-', '_') and a leading '-' (an openssl option, were it passed badly).
        const string key = "-fixed_identity-key_for-the-derivation-test_0123456789";
        int[] vehicles = [1, 2, 17, 900, 99999];
        string dir = Directory.CreateTempSubdirectory("ipls-make-secrets-").FullName;
        try
        {
            string secrets = Path.Combine(dir, "secrets");
            Directory.CreateDirectory(secrets);
            await File.WriteAllTextAsync(Path.Combine(secrets, "identity_key"), key + "\n");

            var (code, output) = await RunAsync("bash", "scripts/make-secrets.sh", "--dir", secrets, "--env-file", Path.Combine(dir, "env"), "--vehicles", string.Join(' ', vehicles));

            Assert.True(code == 0, $"make-secrets.sh exited with {code}: {output}");
            var dashboard = new VehicleCredentials(key, new Dictionary<string, int>());
            Assert.All(vehicles, n => Assert.Equal(dashboard.Password(n), File.ReadAllText(Path.Combine(secrets, $"vehicle_{n}_credential")).TrimEnd('\n')));
            Assert.Equal(key, File.ReadAllText(Path.Combine(secrets, "identity_key")).TrimEnd('\n'));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task AFreshIdentityKey_IsOneTheDashboardTakes()
    {
        string dir = Directory.CreateTempSubdirectory("ipls-make-secrets-").FullName;
        try
        {
            string secrets = Path.Combine(dir, "secrets");
            var (code, output) = await RunAsync("bash", "scripts/make-secrets.sh", "--dir", secrets, "--env-file", Path.Combine(dir, "env"), "--vehicles", "3");

            Assert.True(code == 0, $"make-secrets.sh exited with {code}: {output}");
            string key = File.ReadAllText(Path.Combine(secrets, "identity_key")).TrimEnd('\n');
            Assert.Empty(new IdentityOptions { Key = key }.Problems());
            Assert.Equal(new VehicleCredentials(key, new Dictionary<string, int>()).Password(3), File.ReadAllText(Path.Combine(secrets, "vehicle_3_credential")).TrimEnd('\n'));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file, args) { WorkingDirectory = RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string RepositoryRoot
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "IplsWeb.sln")))
            {
                root = root.Parent;
            }

            return root?.FullName ?? throw new InvalidOperationException("IplsWeb.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
