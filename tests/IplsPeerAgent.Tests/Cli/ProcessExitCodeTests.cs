using System.Diagnostics;

namespace IplsPeerAgent.Tests.Cli;

/// <summary>The built executable, run as a real process: exit codes and stderr as a user sees them.</summary>
public sealed class ProcessExitCodeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task RealProcess_MissingModel_ExitsTwoWithOneLine()
    {
        var csv = _dir.Write("d.csv", "1,2,3,4\n");

        var (code, stdout, stderr) = await RunAsync("score", "--model", _dir.File("missing.iplsm"), csv);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal("error: missing.iplsm: file not found", stderr.Trim());
    }

    [Fact]
    public async Task RealProcess_Help_ListsCommands()
    {
        var (code, stdout, _) = await RunAsync("--help");

        Assert.Equal(0, code);
        foreach (var command in new[] { "score", "import", "generate", "train", "self-check" })
        {
            Assert.Contains(command, stdout, StringComparison.Ordinal);
        }
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        string dll = RepositoryPaths.AgentDll;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
