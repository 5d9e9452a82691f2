using System.Diagnostics;
using System.Globalization;

namespace IplsBench.FleetScale;

/// <summary>
/// A PostgreSQL server of its own for one run, through the project's <c>scripts/lib/postgres-temp.sh</c>
/// (initdb/pg_ctl in a temp directory on a free port, as the <c>postgres</c> user when run as root).
/// </summary>
internal sealed class TempPostgres : IAsyncDisposable
{
    private readonly string _script;
    private readonly string _directory;

    private TempPostgres(string script, string directory, string connectionString)
    {
        _script = script;
        _directory = directory;
        ConnectionString = connectionString;
    }

    /// <summary>Npgsql connection string (holds the server's generated password: never printed).</summary>
    public string ConnectionString { get; }

    /// <summary>
    /// The postmaster's PID: the first line of <c>postmaster.pid</c> in the data directory the script made
    /// (its backends are its children). Read once the server runs.
    /// </summary>
    public int PostmasterPid()
    {
        string file = Path.Combine(_directory, "data", "postmaster.pid");
        string first = File.ReadLines(file).FirstOrDefault() ?? throw new InvalidOperationException(file + " is empty");
        return int.Parse(first.Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    public static async Task<TempPostgres> StartAsync(CancellationToken cancellationToken)
    {
        string script = Script;
        string directory = Path.Combine(Path.GetTempPath(), "ipls-bench-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var (exit, output, error) = await RunAsync(script, "start", directory, cancellationToken).ConfigureAwait(false);
        string? last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (exit != 0 || string.IsNullOrEmpty(last))
        {
            await RunAsync(script, "stop", directory, CancellationToken.None).ConfigureAwait(false);
            throw new InvalidOperationException($"{script} start failed ({exit}): {error.Trim()}");
        }

        return new TempPostgres(script, directory, last);
    }

    public async ValueTask DisposeAsync() => await RunAsync(_script, "stop", _directory, CancellationToken.None).ConfigureAwait(false);

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string script, string command, string directory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash", [script, command, directory]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }

    private static string Script
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string script = Path.Combine(dir.FullName, "scripts", "lib", "postgres-temp.sh");
                if (File.Exists(Path.Combine(dir.FullName, "IplsWeb.sln")) && File.Exists(script))
                {
                    return script;
                }
            }

            throw new InvalidOperationException("scripts/lib/postgres-temp.sh not found above " + AppContext.BaseDirectory + " (run the benchmark from the repository's build)");
        }
    }
}
