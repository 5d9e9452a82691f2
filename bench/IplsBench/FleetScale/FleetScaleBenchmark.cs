using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using IplsBench.Dashboard;
using Microsoft.Playwright;
using MQTTnet.Protocol;

namespace IplsBench.FleetScale;

/// <summary>Where the dashboard takes its MQTT traffic from.</summary>
internal enum BrokerMode
{
    /// <summary>The dashboard's own broker (the vehicles connect to it).</summary>
    Embedded,

    /// <summary>Debian's mosquitto, started by the benchmark; the dashboard subscribes to it as a client.</summary>
    External,
}

internal enum HistoryMode
{
    Sqlite,

    /// <summary>A PostgreSQL server of its own (<c>scripts/lib/postgres-temp.sh</c>).</summary>
    Postgres,
}

/// <summary>One run's settings.</summary>
internal sealed record FleetScaleRun(int Vehicles, double RateHz, TimeSpan Duration, BrokerMode Broker, HistoryMode History)
{
    /// <summary>How long the overview page is measured (0: not at all).</summary>
    public TimeSpan OverviewMeasure { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Not measured at the start: connections settle, the JIT warms, the page is opened.</summary>
    public TimeSpan WarmUp => TimeSpan.FromSeconds(Math.Min(15, Duration.TotalSeconds / 4));
}

/// <summary>
/// The dashboard as its own process under a fleet's load: N vehicles publish a score and a sensor
/// message at the rate (QoS 1 scores: "sent" means the broker took it), N agents report status over the
/// hub every 3 s, the fleet overview is open in headless Chromium. Measures what reaches the history
/// (lost, lag), the dashboard's CPU and memory from /proc of its PID, and the page's frame rate.
/// </summary>
internal static class FleetScaleBenchmark
{
    private static readonly TimeSpan ProbeEvery = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(60);

    public static async Task<FleetScaleFigures> RunAsync(FleetScaleRun run, Action<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(progress);
        string fleetToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var (httpPort, mqttPort) = Agent.LocalBroker.TwoFreePorts();
        var arguments = new List<string>();
        var environment = new Dictionary<string, string>();

        await using var mosquitto = run.Broker == BrokerMode.External ? await Broker.MosquittoBroker.StartAsync(cancellationToken).ConfigureAwait(false) : null;
        if (mosquitto is not null)
        {
            arguments.Add("--Dashboard:Broker:Mode=External");
            arguments.Add($"--Dashboard:Broker:External:Url=mqtt://127.0.0.1:{mosquitto.Port}");
            arguments.Add("--Dashboard:Broker:External:ClientId=ipls-dashboard-bench");
            // The bench's mosquitto takes anonymous loopback clients: no Username/Password to pass.
        }

        await using var postgres = run.History == HistoryMode.Postgres ? await TempPostgres.StartAsync(cancellationToken).ConfigureAwait(false) : null;
        if (postgres is not null)
        {
            arguments.Add("--Dashboard:History:Provider=Postgres");
            environment["Dashboard__History__ConnectionString"] = postgres.ConnectionString; // off the process list
        }

        // The services outside the dashboard, measured as it is: their CPU over the same window, their peak memory.
        var services = new Services(
            mosquitto is null ? null : new ServiceProcesses(mosquitto.Pid, withChildren: false),
            postgres is null ? null : new ServiceProcesses(postgres.PostmasterPid(), withChildren: true));

        progress($"{run.Vehicles} vehicles × {run.RateHz:G} Hz, broker {Name(run.Broker)}, history {Name(run.History)}: starting the dashboard…");
        await using var dashboard = await DashboardProcess.StartAsync(httpPort, mqttPort, fleetToken, arguments, environment, cancellationToken).ConfigureAwait(false);
        await using var history = postgres is null
            ? await HistoryProbe.SqliteAsync(dashboard.DataDirectory, cancellationToken).ConfigureAwait(false)
            : await HistoryProbe.PostgresAsync(postgres.ConnectionString, cancellationToken).ConfigureAwait(false);

        progress($"connecting {run.Vehicles} agents to the hub…");
        await using var hub = await HubAgents.StartAsync(dashboard.Url, fleetToken, run.Vehicles, cancellationToken).ConfigureAwait(false);
        int brokerPort = mosquitto?.Port ?? mqttPort;
        await using var fleet = await SimulatedVehicles.StartAsync("127.0.0.1", brokerPort, new VehicleLoad(run.Vehicles, run.RateHz)
        {
            Sensors = true,
            ScoreQos = MqttQualityOfServiceLevel.AtLeastOnce,
        }, cancellationToken).ConfigureAwait(false);
        progress($"load on; warm-up {run.WarmUp.TotalSeconds:F0} s, then measuring {(run.Duration - run.WarmUp).TotalSeconds:F0} s…");

        var clock = Stopwatch.StartNew();
        using var stopProbes = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lag = new LagProbes(history, fleet);
        var probing = lag.RunAsync(stopProbes.Token);

        await Task.Delay(run.WarmUp, cancellationToken).ConfigureAwait(false);
        var start = Snapshot.Take(dashboard, services, fleet, hub, clock);
        lag.Measuring = true;
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var samples = SampleAsync(dashboard, services, sampling.Token);
        var overview = run.OverviewMeasure > TimeSpan.Zero
            ? MeasureOverviewAsync(dashboard.Url, run.OverviewMeasure, cancellationToken)
            : Task.FromResult<(PageFrames?, string?)>((null, "not measured"));

        while (clock.Elapsed < run.Duration || !overview.IsCompleted)
        {
            if (dashboard.HasExited)
            {
                throw new InvalidOperationException("the dashboard exited under load: " + dashboard.Tail());
            }

            await Task.Delay(250, cancellationToken).ConfigureAwait(false);
        }

        var end = Snapshot.Take(dashboard, services, fleet, hub, clock);
        await sampling.CancelAsync().ConfigureAwait(false);
        var (rssPeakKb, brokerRssPeakKb, postgresPeak, loadAverage) = await samples.ConfigureAwait(false);
        var (frames, overviewNote) = await overview.ConfigureAwait(false);
        lag.Measuring = false;
        await fleet.StopAsync().ConfigureAwait(false);
        await hub.StopAsync().ConfigureAwait(false);
        progress("load off; waiting for the history to catch up…");

        // Drain: every probe found (or the limit), then the count settles.
        var drain = Stopwatch.StartNew();
        while (lag.Pending > 0 && drain.Elapsed < DrainLimit)
        {
            await Task.Delay(PollEvery, cancellationToken).ConfigureAwait(false);
        }

        await stopProbes.CancelAsync().ConfigureAwait(false);
        await probing.ConfigureAwait(false);
        long sent = fleet.Attempted;
        long recorded = await history.CountAsync(fleet.FirstTickMs, fleet.LastTickMs, cancellationToken).ConfigureAwait(false);
        long settledAt = recorded;
        while (recorded < sent && drain.Elapsed < DrainLimit)
        {
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            recorded = await history.CountAsync(fleet.FirstTickMs, fleet.LastTickMs, cancellationToken).ConfigureAwait(false);
            if (recorded == settledAt && drain.Elapsed > TimeSpan.FromSeconds(10))
            {
                break; // nothing more is coming
            }

            settledAt = recorded;
        }

        double seconds = (end.Elapsed - start.Elapsed).TotalSeconds;
        long inWindow = await history.CountAsync(start.LastTickMs + 1, end.LastTickMs, cancellationToken).ConfigureAwait(false);
        double windowSeconds = Math.Max(0.001, (end.LastTickMs - start.LastTickMs) / 1000.0);
        var lags = lag.Lags();
        var targets = FleetScaleTargets.Issue;
        double expected = run.Vehicles * run.RateHz;
        double scoresIn = inWindow / windowSeconds;
        double sensors = (end.Sensors - start.Sensors) / seconds;
        double hubExpected = run.Vehicles / HubAgents.StatusEvery.TotalSeconds;
        double hubRate = (end.HubReports - start.HubReports) / seconds;
        double cpu = (end.DashboardCpu - start.DashboardCpu).TotalSeconds / seconds;
        double rssMb = rssPeakKb / 1024.0;
        double? brokerCpu = services.Broker is null ? null : (end.BrokerCpu - start.BrokerCpu).TotalSeconds / seconds;
        double? postgresCpu = services.Postgres is null ? null : (end.PostgresCpu - start.PostgresCpu).TotalSeconds / seconds;
        double? p99 = Percentile(lags, 0.99);
        long lost = Math.Max(0, sent - recorded);
        var pass = new FleetScalePass(
            Sustained: scoresIn >= targets.SustainedFraction * expected && sensors >= targets.SustainedFraction * expected && hubRate >= targets.SustainedFraction * hubExpected,
            NoScoresLost: lost <= targets.ScoresLostMax,
            HistoryLag: p99 < targets.HistoryLagP99MaxS,
            DashboardCpu: cpu < targets.DashboardCpuCoresMax,
            DashboardMemory: rssMb < targets.DashboardRssMbMax,
            Overview: run.OverviewMeasure <= TimeSpan.Zero ? null : frames is not null && frames.FramesPerSecond >= targets.OverviewFpsMin);
        return new FleetScaleFigures
        {
            Vehicles = run.Vehicles,
            RateHz = run.RateHz,
            Broker = Name(run.Broker),
            History = Name(run.History),
            Seconds = Math.Round(seconds, 1),
            LoadAverage1m = Math.Round(loadAverage, 2),
            ScoresExpectedPerS = expected,
            ScoresOfferedPerS = Math.Round((end.Attempted - start.Attempted) / seconds, 1),
            ScoresInPerS = Math.Round(scoresIn, 1),
            SensorMsgsPerS = Math.Round(sensors, 1),
            ScoresSent = sent,
            ScoresLost = lost,
            PublishFailures = fleet.Failed,
            HistoryLagSP50 = Percentile(lags, 0.5) is { } p50 ? Math.Round(p50, 3) : null,
            HistoryLagSP99 = p99 is { } lag99 ? Math.Round(lag99, 3) : null,
            LagProbes = lags.Length,
            LagProbesUnresolved = lag.Unresolved,
            HistoryStoreMb = postgres is null ? Math.Round(SqliteBytes(dashboard.DataDirectory) / 1048576.0, 1) : null,
            DashboardCpuCores = Math.Round(cpu, 3),
            DashboardRssMb = Math.Round(rssMb, 1),
            BrokerCpuCores = brokerCpu is { } b ? Math.Round(b, 3) : null,
            BrokerRssMb = services.Broker is null ? null : Math.Round(brokerRssPeakKb / 1024.0, 1),
            PostgresCpuCores = postgresCpu is { } p ? Math.Round(p, 3) : null,
            PostgresPssMb = services.Postgres is null || postgresPeak.PssKb is null ? null : Math.Round(postgresPeak.PssKb.Value / 1024.0, 1),
            PostgresRssSumMb = services.Postgres is null ? null : Math.Round(postgresPeak.RssKb / 1024.0, 1),
            PostgresProcesses = services.Postgres is null ? null : postgresPeak.Processes,
            TotalCpuCores = Math.Round(cpu + (brokerCpu ?? 0) + (postgresCpu ?? 0), 3),
            BenchCpuCores = Math.Round((end.BenchCpu - start.BenchCpu).TotalSeconds / seconds, 3),
            OverviewFps = frames is null ? null : Math.Round(frames.FramesPerSecond, 1),
            OverviewLongTaskPercent = frames is null ? null : Math.Round(frames.LongTaskPercent, 1),
            OverviewView = frames?.View,
            OverviewNote = overviewNote,
            HubAgentsConnected = end.HubConnected,
            HubStatusExpectedPerS = Math.Round(hubExpected, 1),
            HubStatusPerS = Math.Round(hubRate, 1),
            DashboardLogTail = dashboard.Tail() is { Length: > 0 } tail ? tail : null,
            Targets = targets,
            Pass = pass,
        };
    }

    public static string Name(BrokerMode mode) => mode == BrokerMode.Embedded ? "embedded" : "external";

    public static string Name(HistoryMode mode) => mode == HistoryMode.Sqlite ? "sqlite" : "postgres";

    private static double? Percentile(double[] sorted, double p) => sorted.Length == 0 ? null : sorted[(int)Math.Ceiling(p * sorted.Length) - 1];

    private static readonly string[] SqliteFiles = ["history.db", "history.db-wal"];

    private static long SqliteBytes(string dataDirectory) =>
        SqliteFiles.Select(f => new FileInfo(Path.Combine(dataDirectory, f))).Where(f => f.Exists).Sum(f => f.Length);

    private static double LoadAverage()
    {
        string text = File.ReadAllText("/proc/loadavg");
        return double.Parse(text.AsSpan(0, text.IndexOf(' ', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Every second until cancelled: the dashboard's and the broker's peak VmRSS, PostgreSQL's peak (by PSS when
    /// readable, else by summed RSS; with the process count then), and the mean load average.
    /// </summary>
    private static async Task<(long RssPeakKb, long BrokerRssPeakKb, ServiceMemory PostgresPeak, double LoadAverage)> SampleAsync(DashboardProcess dashboard, Services services, CancellationToken cancellationToken)
    {
        long peak = 0;
        long brokerPeak = 0;
        ServiceMemory? postgresPeak = null;
        var loads = new List<double>();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            do
            {
                peak = Math.Max(peak, dashboard.ResidentKilobytes() ?? 0);
                brokerPeak = Math.Max(brokerPeak, services.Broker?.Memory().RssKb ?? 0);
                if (services.Postgres?.Memory() is { } pg && (postgresPeak is not { } top || (pg.PssKb ?? pg.RssKb) > (top.PssKb ?? top.RssKb)))
                {
                    // PSS is null when a process's smaps_rollup is not ours to read; the rights are the same in every sample, so peaks compare like with like.
                    postgresPeak = pg;
                }
                loads.Add(LoadAverage());
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // the window ended
        }

        return (peak, brokerPeak, postgresPeak ?? default, loads.Average());
    }

    /// <summary>The fleet overview at <c>/</c>: opened, given 5 s to settle, then its frames measured with the dashboard benchmark's script.</summary>
    private static async Task<(PageFrames? Frames, string? Note)> MeasureOverviewAsync(Uri dashboard, TimeSpan measure, CancellationToken cancellationToken)
    {
        try
        {
            using var playwright = await Playwright.CreateAsync().ConfigureAwait(false);
            await using var browser = await DashboardBenchmark.LaunchAsync(playwright).ConfigureAwait(false);
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } }).ConfigureAwait(false);
            await page.GotoAsync(dashboard.ToString(), new PageGotoOptions { Timeout = 60_000 }).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            return (await DashboardBenchmark.MeasureAsync(page, measure).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
        {
            return (null, "overview not measured: " + ex.Message.Split('\n')[0]);
        }
    }

    /// <summary>The services the benchmark runs beside the dashboard in this mode (null: not run).</summary>
    private sealed record Services(ServiceProcesses? Broker, ServiceProcesses? Postgres);

    /// <summary>Counters at one moment; rates are differences between two.</summary>
    private sealed record Snapshot(TimeSpan Elapsed, TimeSpan DashboardCpu, TimeSpan BrokerCpu, TimeSpan PostgresCpu, TimeSpan BenchCpu, long Attempted, long Sensors, long HubReports, int HubConnected, long LastTickMs)
    {
        public static Snapshot Take(DashboardProcess dashboard, Services services, SimulatedVehicles fleet, HubAgents hub, Stopwatch clock)
        {
            using var self = Process.GetCurrentProcess();
            return new Snapshot(clock.Elapsed, dashboard.CpuTime(), services.Broker?.CpuTime() ?? TimeSpan.Zero, services.Postgres?.CpuTime() ?? TimeSpan.Zero,
                self.TotalProcessorTime, fleet.Attempted, fleet.SensorsPublished, hub.Reported, hub.Connected, fleet.LastTickMs);
        }
    }

    /// <summary>
    /// One probe a second: a score just sent (a random vehicle, the newest completed tick), polled in the
    /// store every 100 ms until its row is there.
    /// </summary>
    private sealed class LagProbes(HistoryProbe history, SimulatedVehicles fleet)
    {
        private readonly List<(int Vehicle, long AtMs)> _pending = [];
        private readonly List<double> _lags = [];
        private int _unresolved;

        public volatile bool Measuring;

        public int Pending
        {
            get
            {
                lock (_pending)
                {
                    return _pending.Count;
                }
            }
        }

        public int Unresolved => _unresolved;

        public double[] Lags()
        {
            lock (_lags)
            {
                return [.. _lags.Order()];
            }
        }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            long lastProbe = 0;
            long lastTick = 0;
            var clock = Stopwatch.StartNew();
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    long tick = fleet.LastTickMs;
                    if (tick != 0 && tick != lastTick && clock.ElapsedMilliseconds - lastProbe >= ProbeEvery.TotalMilliseconds && Measuring)
                    {
                        lock (_pending)
                        {
                            _pending.Add((RandomNumberGenerator.GetInt32(1, fleet.Vehicles + 1), tick));
                        }

                        (lastTick, lastProbe) = (tick, clock.ElapsedMilliseconds);
                    }

                    foreach (var probe in PendingProbes())
                    {
                        if (await history.HasScoreAsync(probe.Vehicle, probe.AtMs, cancellationToken).ConfigureAwait(false))
                        {
                            Resolve(probe, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - probe.AtMs);
                        }
                    }

                    await Task.Delay(PollEvery, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // the drain ended
            }

            // Never found (dropped, or still queued): their lag is at least the time waited.
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            foreach (var probe in PendingProbes())
            {
                _unresolved++;
                Resolve(probe, now - probe.AtMs);
            }
        }

        // Every pending probe is polled, not only the oldest: a score the dashboard dropped must not
        // hold back the ones after it (it stays pending and counts as unresolved).
        private (int Vehicle, long AtMs)[] PendingProbes()
        {
            lock (_pending)
            {
                return [.. _pending];
            }
        }

        private void Resolve((int Vehicle, long AtMs) probe, long lagMs)
        {
            lock (_pending)
            {
                _pending.Remove(probe);
            }

            lock (_lags)
            {
                _lags.Add(lagMs / 1000.0);
            }
        }
    }
}
