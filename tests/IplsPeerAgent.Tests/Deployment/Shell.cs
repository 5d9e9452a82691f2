using System.Diagnostics;

namespace IplsPeerAgent.Tests.Deployment;

/// <summary>Runs a program of the machine (bash, docker-compose, openssl) from the repository root and captures its output.</summary>
internal static class Shell
{
    public static async Task<ShellResult> RunAsync(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, string? standardInput = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = Cli.RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
            process.StandardInput.Close();
        }

        await process.WaitForExitAsync(timeout.Token);
        return new ShellResult(process.ExitCode, await stdout, await stderr);
    }

    public static Task<ShellResult> BashAsync(string script, IReadOnlyDictionary<string, string?>? environment = null) =>
        RunAsync("bash", ["-c", script], environment);

    /// <summary>The full path of a program on PATH, or null.</summary>
    public static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}

/// <summary>What a program printed and how it exited.</summary>
internal sealed record ShellResult(int ExitCode, string Stdout, string Stderr)
{
    public void AssertSuccess(string what) => Assert.True(ExitCode == 0, $"{what} exited {ExitCode}:\n{Stdout}\n{Stderr}");
}
