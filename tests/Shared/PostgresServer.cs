using System.Diagnostics;

namespace IplsCore.Tests;

/// <summary>
/// A throw-away PostgreSQL server for the tests that need one: started by scripts/lib/postgres-temp.sh
/// (Debian's postgresql-15, as the postgres user when root, a free port, the socket in its folder) and
/// stopped and removed on dispose. One per test collection <see cref="PostgresTests"/>.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ipls-pg-" + Guid.NewGuid().ToString("N")[..12]);
    private string? _connectionString;

    /// <summary>Npgsql connection string of the server's <c>postgres</c> database (user postgres, with its password).</summary>
    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("The PostgreSQL server is not started");

    /// <summary>The script, found by walking up from the test binaries to the repository.</summary>
    public static string Script
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "scripts", "lib", "postgres-temp.sh");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new FileNotFoundException("scripts/lib/postgres-temp.sh not found above " + AppContext.BaseDirectory);
        }
    }

    public async Task InitializeAsync()
    {
        var (code, stdout, stderr) = await RunAsync("start");
        string? last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (code != 0 || last is null || !last.StartsWith("Host=", StringComparison.Ordinal))
        {
            await RunAsync("stop");
            throw new InvalidOperationException($"postgres-temp.sh start failed (exit {code}; apt-get install postgresql-15, .ci/run does this):\n{stderr}");
        }

        _connectionString = last;
    }

    public async Task DisposeAsync() => await RunAsync("stop");

    private async Task<(int Code, string Stdout, string Stderr)> RunAsync(string verb)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [Script, verb, _directory]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"postgres-temp.sh {verb} took more than 2 minutes");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>Test classes in this collection share one <see cref="PostgresServer"/> (and run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresTests : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL server";
}
