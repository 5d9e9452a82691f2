using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace IplsBench.Dashboard;

/// <summary><c>dashboard [--vehicles 1 4 16 64] [--rate 4] [--seconds 30] [--json]</c>: is the fleet overview smooth?</summary>
internal static class DashboardCommand
{
    /// <summary>Smooth: the page keeps 50+ frames per second and spends under 10 % of the time in long tasks.</summary>
    public const double MinFramesPerSecond = 50;
    public const double MaxLongTaskPercent = 10;

    public static Command Create()
    {
        var vehicles = new Option<int[]>("--vehicles") { Description = "Fleet sizes to measure.", DefaultValueFactory = _ => [1, 4, 16, 64], AllowMultipleArgumentsPerToken = true };
        var rate = new Option<double>("--rate") { Description = "Scores per second per vehicle.", DefaultValueFactory = _ => 4.0 };
        var seconds = new Option<double>("--seconds") { Description = "Measuring time per fleet size, after a 5 s warm-up.", DefaultValueFactory = _ => 30.0 };
        var json = new Option<bool>("--json") { Description = "Print a JSON array instead of a table." };
        var view = new Option<string>("--view") { Description = "auto: the view the fleet's size chooses (cards up to 24 vehicles, the list beyond); cards or list: that view.", DefaultValueFactory = _ => "auto" };
        view.AcceptOnlyFromAmong("auto", "cards", "list");
        var command = new Command("dashboard", "The fleet overview in headless Chromium while 1–2,000 vehicles stream scores through the embedded broker: frames/s, long tasks, charts or rows updated, dashboard CPU.")
        {
            vehicles, rate, seconds, json, view,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            int[] sizes = parse.GetValue(vehicles) ?? [];
            double hz = parse.GetValue(rate);
            double s = parse.GetValue(seconds);
            string? chosen = parse.GetValue(view) is "cards" or "list" ? parse.GetValue(view) : null;
            if (sizes.Length == 0 || sizes.Any(n => n is < 1 or > 2000) || hz is <= 0 or > 100 || s is < 1 or > 3600)
            {
                Console.Error.WriteLine("error: --vehicles 1–2000 (one or more), --rate within (0, 100], --seconds 1–3600");
                return 2;
            }

            var results = new List<DashboardFigures>();
            try
            {
                foreach (int n in sizes)
                {
                    if (!parse.GetValue(json))
                    {
                        AnsiConsole.MarkupLine($"[grey]{n} vehicles at {hz:G} Hz: measuring {s:G} s…[/]");
                    }

                    results.Add(await DashboardBenchmark.RunAsync(n, hz, TimeSpan.FromSeconds(s), cancellationToken, chosen).ConfigureAwait(false));
                }
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 1;
            }

            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(results, BenchJsonContext.Default.ListDashboardFigures));
            }
            else
            {
                Print(results);
            }

            return 0;
        });
        return command;
    }

    private static void Print(List<DashboardFigures> results)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 140;
        }

        var table = new Table().Title("fleet overview in headless Chromium")
            .AddColumn("vehicles").AddColumn("view").AddColumn(new TableColumn("scores/s").RightAligned())
            .AddColumn(new TableColumn("frames/s").RightAligned()).AddColumn(new TableColumn("frame p95 ms").RightAligned()).AddColumn(new TableColumn("frame max ms").RightAligned())
            .AddColumn(new TableColumn("long tasks").RightAligned()).AddColumn(new TableColumn("in long tasks").RightAligned())
            .AddColumn(new TableColumn("on screen updated").RightAligned()).AddColumn("off-screen catch up").AddColumn(new TableColumn("server CPU").RightAligned()).AddColumn(new TableColumn("rows rendered/s").RightAligned()).AddColumn("smooth");
        foreach (var r in results)
        {
            bool smooth = r.FramesPerSecond >= MinFramesPerSecond && r.LongTaskPercent < MaxLongTaskPercent && r.ChartsUpdated == r.ChartsOnScreen && r.OffScreenCaughtUp;
            table.AddRow(r.Vehicles.ToString(CultureInfo.InvariantCulture), r.View, $"{r.ScoresPerSecond:F0}", $"{r.FramesPerSecond:F1}", $"{r.FrameP95Ms:F1}", $"{r.FrameMaxMs:F0}",
                r.LongTasks.ToString(CultureInfo.InvariantCulture), $"{r.LongTaskPercent:F1} %", $"{r.ChartsUpdated}/{r.ChartsOnScreen}", r.OffScreenCaughtUp ? "yes" : "[red]no[/]", $"{r.ServerCpuPercent:F1} %", $"{r.RowsRenderedPerSecond:F0}", smooth ? "yes" : "[red]no[/]");
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[grey]smooth = ≥ {MinFramesPerSecond:G} frames/s, < {MaxLongTaskPercent:G} % of the time in long tasks (> 50 ms), every chart (cards) or row (list) on screen redrawn, what is below the fold drawn once scrolled to. Server CPU includes the simulated vehicles' publisher.[/]");
    }
}
