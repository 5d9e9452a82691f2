using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace IplsBench.FleetScale;

/// <summary>
/// <c>fleet-scale [--vehicles 1000] [--rate 4] [--seconds 600] [--broker embedded|external]
/// [--history sqlite|postgres] [--find-max] [--json]</c>: does one dashboard keep up with the fleet?
/// </summary>
internal static class FleetScaleCommand
{
    public static Command Create()
    {
        var vehicles = new Option<int>("--vehicles") { Description = "Fleet size (with --find-max: the first size tried).", DefaultValueFactory = _ => 1000 };
        var rate = new Option<double>("--rate") { Description = "Scores (and sensor messages) per second per vehicle.", DefaultValueFactory = _ => 4.0 };
        var seconds = new Option<double>("--seconds") { Description = "Load time per run, warm-up (a quarter, at most 15 s) included.", DefaultValueFactory = _ => 600.0 };
        var broker = new Option<BrokerMode>("--broker") { Description = "embedded: the dashboard's broker; external: Debian's mosquitto, started by the benchmark.", DefaultValueFactory = _ => BrokerMode.Embedded };
        var history = new Option<HistoryMode>("--history") { Description = "sqlite, or postgres (a server of its own via scripts/lib/postgres-temp.sh).", DefaultValueFactory = _ => HistoryMode.Sqlite };
        var overview = new Option<double>("--overview-seconds") { Description = "How long the overview page is measured in headless Chromium (0: not opened, server-side targets only).", DefaultValueFactory = _ => 20.0 };
        var findMax = new Option<bool>("--find-max") { Description = "Step the fleet size (doubling from --vehicles, then halving the gap) to the largest fleet that meets every target." };
        var maxVehicles = new Option<int>("--max-vehicles") { Description = "Largest fleet --find-max tries.", DefaultValueFactory = _ => 4000 };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("fleet-scale", "The dashboard as its own process under a simulated fleet (scores and sensor messages over MQTT, status over the agents' hub, the overview open in headless Chromium): scores in and lost, history lag, dashboard CPU and memory, overview frames/s, against the issue's targets.")
        {
            vehicles, rate, seconds, broker, history, overview, findMax, maxVehicles, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            int n = parse.GetValue(vehicles);
            double hz = parse.GetValue(rate);
            double s = parse.GetValue(seconds);
            double o = parse.GetValue(overview);
            int max = parse.GetValue(maxVehicles);
            if (n is < 1 or > 20_000 || hz is <= 0 or > 50 || s is < 8 or > 7200 || o is < 0 or > 600 || max < n)
            {
                Console.Error.WriteLine("error: --vehicles 1–20,000, --rate within (0, 50], --seconds 8–7200, --overview-seconds 0–600, --max-vehicles ≥ --vehicles");
                return 2;
            }

            FleetScaleRun Run(int size) => new(size, hz, TimeSpan.FromSeconds(s), parse.GetValue(broker), parse.GetValue(history)) { OverviewMeasure = TimeSpan.FromSeconds(o) };
            void Progress(string line) => Console.Error.WriteLine($"[fleet-scale {DateTimeOffset.UtcNow:HH:mm:ss}] {line}");
            try
            {
                if (!parse.GetValue(findMax))
                {
                    var figures = await FleetScaleBenchmark.RunAsync(Run(n), Progress, cancellationToken).ConfigureAwait(false);
                    if (parse.GetValue(json))
                    {
                        Console.WriteLine(JsonSerializer.Serialize(figures, FleetScaleJsonContext.Default.FleetScaleFigures));
                    }
                    else
                    {
                        Print([figures]);
                    }

                    return figures.PassAll ? 0 : 3;
                }

                var search = await FindMaxAsync(n, max, size => FleetScaleBenchmark.RunAsync(Run(size), Progress, cancellationToken), Progress).ConfigureAwait(false);
                if (parse.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(search, FleetScaleJsonContext.Default.FleetScaleSearch));
                }
                else
                {
                    Print(search.Steps);
                    AnsiConsole.MarkupLine(search.LargestPassing is { } best
                        ? $"largest fleet meeting every target: [green]{best}[/] vehicles at {hz:G} Hz"
                        : "[red]no fleet size tried met every target[/]");
                }

                Console.Error.WriteLine($"largest passing fleet: {(search.LargestPassing?.ToString(CultureInfo.InvariantCulture) ?? "none")}");
                return 0;
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    /// <summary>
    /// Doubles from <paramref name="first"/> while every target is met (up to <paramref name="max"/>),
    /// then bisects between the largest pass and the smallest failure to within a tenth (at least 25).
    /// Starting size fails: halves down instead.
    /// </summary>
    public static async Task<FleetScaleSearch> FindMaxAsync(int first, int max, Func<int, Task<FleetScaleFigures>> run, Action<string> progress)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(progress);
        var steps = new List<FleetScaleFigures>();
        int? pass = null;
        int? fail = null;
        int size = first;
        while (true)
        {
            var figures = await run(size).ConfigureAwait(false);
            steps.Add(figures);
            progress($"{size} vehicles: {(figures.PassAll ? "meets every target" : "misses " + Missed(figures.Pass))}");
            if (figures.PassAll)
            {
                pass = size;
            }
            else
            {
                fail = size;
            }

            int next;
            if (fail is null)
            {
                if (size >= max)
                {
                    break;
                }

                next = Math.Min(max, size * 2);
            }
            else if (pass is null)
            {
                if (size <= 1)
                {
                    break;
                }

                next = Math.Max(1, size / 2);
            }
            else
            {
                int gap = fail.Value - pass.Value;
                if (gap <= Math.Max(25, pass.Value / 10))
                {
                    break;
                }

                next = pass.Value + (gap / 2);
            }

            size = next;
        }

        return new FleetScaleSearch(steps, pass);
    }

    private static string Missed(FleetScalePass pass) => string.Join(", ", new[]
    {
        pass.Sustained ? null : "sustained",
        pass.NoScoresLost ? null : "no loss",
        pass.HistoryLag ? null : "history lag",
        pass.DashboardCpu ? null : "CPU",
        pass.DashboardMemory ? null : "memory",
        pass.Overview != false ? null : "overview fps",
    }.OfType<string>());

    private static void Print(IReadOnlyList<FleetScaleFigures> runs)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 200;
        }

        static string Mark(bool ok, string text) => ok ? text : $"[red]{text}[/]";
        var table = new Table().Title("the dashboard under a fleet (targets: sustained, 0 lost, lag p99 < 2 s, dashboard < 1 core and < 1 GB, ≥ 50 fps; total = dashboard + mosquitto + postgres)")
            .AddColumn("vehicles").AddColumn("broker").AddColumn("history").AddColumn(new TableColumn("s").RightAligned())
            .AddColumn(new TableColumn("scores in/s").RightAligned()).AddColumn(new TableColumn("sensor/s").RightAligned()).AddColumn(new TableColumn("lost").RightAligned())
            .AddColumn(new TableColumn("lag p50/p99 s").RightAligned()).AddColumn(new TableColumn("dashboard cores").RightAligned()).AddColumn(new TableColumn("RSS MB").RightAligned())
            .AddColumn(new TableColumn("mosquitto cores / RSS MB").RightAligned()).AddColumn(new TableColumn("postgres cores / PSS MB").RightAligned()).AddColumn(new TableColumn("total cores").RightAligned())
            .AddColumn(new TableColumn("overview fps").RightAligned()).AddColumn(new TableColumn("hub status/s").RightAligned()).AddColumn(new TableColumn("load avg").RightAligned()).AddColumn("all met");
        foreach (var r in runs)
        {
            table.AddRow(
                r.Vehicles.ToString(CultureInfo.InvariantCulture), r.Broker, r.History, $"{r.Seconds:F0}",
                Mark(r.Pass.Sustained, $"{r.ScoresInPerS:F0} / {r.ScoresExpectedPerS:F0}"), $"{r.SensorMsgsPerS:F0}", Mark(r.Pass.NoScoresLost, r.ScoresLost.ToString(CultureInfo.InvariantCulture)),
                Mark(r.Pass.HistoryLag, r.HistoryLagSP99 is null ? "no probe" : $"{r.HistoryLagSP50:F2} / {r.HistoryLagSP99:F2}"), Mark(r.Pass.DashboardCpu, $"{r.DashboardCpuCores:F2}"), Mark(r.Pass.DashboardMemory, $"{r.DashboardRssMb:F0}"),
                r.BrokerCpuCores is { } b ? $"{b:F2} / {r.BrokerRssMb:F0}" : "–",
                r.PostgresCpuCores is { } p ? $"{p:F2} / {(r.PostgresPssMb is { } pss ? $"{pss:F0}" : $"RSS Σ {r.PostgresRssSumMb:F0}")}" : "–",
                $"{r.TotalCpuCores:F2}",
                Mark(r.Pass.Overview != false, r.OverviewFps is { } fps ? $"{fps:F1}" : "not measured"), $"{r.HubStatusPerS:F0} / {r.HubStatusExpectedPerS:F0}", $"{r.LoadAverage1m:F2}", r.PassAll ? "yes" : "[red]no[/]");
        }

        AnsiConsole.Write(table);
        foreach (var note in runs.Select(r => r.OverviewNote).OfType<string>().Distinct())
        {
            AnsiConsole.MarkupLine($"[grey]{Markup.Escape(note)}[/]");
        }
    }
}
