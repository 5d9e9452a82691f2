using System.Diagnostics;
using System.Globalization;
using IplsBench.Agent;

namespace IplsBench.FleetScale;

/// <summary>
/// The dashboard as its own process (<c>dotnet IplsWeb.dll</c> from its project's build), so its CPU and
/// memory are its own, read from /proc of its PID. Demo fleet off; started and ended by this benchmark.
/// </summary>
internal sealed class DashboardProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly string _dataDirectory;

    private DashboardProcess(ChildProcess process, int httpPort, string dataDirectory)
    {
        _process = process;
        HttpPort = httpPort;
        _dataDirectory = dataDirectory;
        // A benchmark stopped by a signal exits without awaiting its disposals: the dashboard must not outlive it.
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
    }

    public int HttpPort { get; }

    public int Pid => _process.Id;

    public string DataDirectory => _dataDirectory;

    public Uri Url => new($"http://127.0.0.1:{HttpPort}/");

    public TimeSpan CpuTime() => _process.CpuTime();

    public long? ResidentKilobytes() => _process.ResidentKilobytes();

    public bool HasExited => _process.HasExited;

    public string Tail() => _process.Tail();

    /// <summary>
    /// Starts it with <paramref name="arguments"/> on the command line (no secrets) and <paramref name="environment"/>
    /// as environment variables (the fleet token, <c>Dashboard__History__ConnectionString</c>: kept off the
    /// process list); returns once it serves HTTP. The MQTT port is the embedded broker's (set, unused, in external mode).
    /// </summary>
    public static async Task<DashboardProcess> StartAsync(int httpPort, int mqttPort, string fleetToken, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        string dll = DashboardDll;
        string data = Directory.CreateTempSubdirectory("ipls-bench-fleet-scale-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            // Development serves the static web assets from the build's manifest, as `dotnet run` does.
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (string argument in (string[])
        [
            dll,
            "--environment=Development",
            $"--Dashboard:HttpPort={httpPort}",
            $"--Dashboard:MqttPort={mqttPort}",
            $"--Dashboard:DataDirectory={data}",
            "--Dashboard:DemoFleet:Enabled=false",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:IplsWeb.Broker=Error",
            .. arguments,
        ])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Dashboard__FleetToken"] = fleetToken;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var dashboard = new DashboardProcess(new ChildProcess(start), httpPort, data);
        try
        {
            await dashboard.WaitUntilServingAsync(TimeSpan.FromSeconds(90), cancellationToken).ConfigureAwait(false);
            return dashboard;
        }
        catch
        {
            await dashboard.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await _process.TerminateAsync(TimeSpan.FromSeconds(20), CancellationToken.None).ConfigureAwait(false);
        }

        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        _process.Dispose(); // kills it (by its PID) if SIGTERM was not enough
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    private void KillOnExit(object? sender, EventArgs e) => _process.Dispose();

    private async Task WaitUntilServingAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the dashboard exited with {_process.ExitCode.ToString(CultureInfo.InvariantCulture)}: {_process.Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Url, "api/agents"), cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // slow to answer while starting
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"the dashboard did not serve {Url} within {timeout.TotalSeconds:F0} s: {_process.Tail()}");
    }

    /// <summary>
    /// The dashboard as built in its own project (same configuration), found from this output directory
    /// up to the solution; its static web assets manifest points at its own wwwroot.
    /// </summary>
    private static string DashboardDll
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            for (var dir = output; dir is not null; dir = dir.Parent)
            {
                string own = Path.Combine(dir.FullName, "IplsWeb", "bin", output.Parent!.Name, output.Name, "IplsWeb.dll");
                if (File.Exists(Path.Combine(dir.FullName, "IplsWeb.sln")) && File.Exists(own))
                {
                    return own;
                }
            }

            return Path.Combine(AppContext.BaseDirectory, "IplsWeb.dll");
        }
    }
}
