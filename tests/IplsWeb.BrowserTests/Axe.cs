using System.Diagnostics;

namespace IplsWeb.BrowserTests;

/// <summary>
/// axe-core (the accessibility rules engine) from npm, installed once into a cache folder outside the
/// repository (IPLS_TOOL_CACHE, default ~/.cache/ipls-tests) and injected into pages under test.
/// </summary>
internal static class Axe
{
    public const string Version = "4.14.1";

    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task<string> ScriptAsync()
    {
        string root = Environment.GetEnvironmentVariable("IPLS_TOOL_CACHE") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "ipls-tests");
        string folder = Path.Combine(root, "axe-core-" + Version);
        string script = Path.Combine(folder, "node_modules", "axe-core", "axe.min.js");
        await Gate.WaitAsync();
        try
        {
            if (!File.Exists(script))
            {
                Directory.CreateDirectory(folder);
                var npm = Process.Start(new ProcessStartInfo("npm", ["install", "--prefix", folder, "--no-save", "--no-audit", "--no-fund", "axe-core@" + Version])
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                }) ?? throw new InvalidOperationException("npm could not be started (apt-get install npm)");
                string errors = await npm.StandardError.ReadToEndAsync();
                await npm.WaitForExitAsync();
                Assert.True(npm.ExitCode == 0 && File.Exists(script), $"npm install axe-core@{Version} failed: {errors}");
            }

            return await File.ReadAllTextAsync(script);
        }
        finally
        {
            Gate.Release();
        }
    }
}
