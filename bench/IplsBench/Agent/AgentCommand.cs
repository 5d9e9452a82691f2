using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace IplsBench.Agent;

/// <summary><c>agent [--seconds 60] [--rate 4] [--json]</c>: footprint of one real agent process.</summary>
internal static class AgentCommand
{
    public static Command Create()
    {
        var seconds = new Option<double>("--seconds") { Description = "Measuring time after a 5 s warm-up, in seconds.", DefaultValueFactory = _ => 60.0 };
        var rate = new Option<double>("--rate") { Description = "Samples per second from the agent's generator.", DefaultValueFactory = _ => 4.0 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var hub = new Option<bool>("--hub") { Description = "With the real dashboard (hub connection, embedded broker) and its demo fleet (2 peers, a bootstrapper) as IPLS peers." };
        var command = new Command("agent", "Run one ipls-agent process against an in-process MQTT broker; measure its peak memory, CPU, scores and rounds.")
        {
            seconds, rate, json, hub,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            double s = parse.GetValue(seconds);
            double hz = parse.GetValue(rate);
            if (s <= 0 || hz is < 0.01 or > 1000)
            {
                Console.Error.WriteLine("error: --seconds must be positive and --rate within 0.01–1000");
                return 2;
            }

            AgentFigures figures;
            try
            {
                figures = await AgentBenchmark.RunAsync(TimeSpan.FromSeconds(s), hz, parse.GetValue(hub), cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 1;
            }

            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(figures, BenchJsonContext.Default.AgentFigures));
            }
            else
            {
                Print(figures);
            }

            return 0;
        });
        return command;
    }

    private static void Print(AgentFigures f)
    {
        var table = new Table().Title("one ipls-agent process").AddColumn("figure").AddColumn(new TableColumn("measured").RightAligned()).AddColumn(new TableColumn("target").RightAligned());
        table.AddRow("seconds measured", $"{f.Seconds:G}", "-");
        table.AddRow("generator rate (Hz)", $"{f.RateHz:G}", "-");
        table.AddRow("peak resident memory (MiB, whole run)", $"{f.RssMbPeak:F1}", $"< {AgentBenchmark.RssTargetMb:G}");
        table.AddRow("mean CPU (% of one core)", $"{f.CpuPercentMean:F2}", $"< {AgentBenchmark.CpuTargetPercent:G}");
        table.AddRow("scores received (whole run)", $"{f.Scores:N0}", "-");
        table.AddRow("rounds completed", $"{f.Rounds:N0}", "-");
        table.AddRow("dashboard hub, IPLS peers", f.Hub ? $"yes, {f.IplsPeers}" : "no, 0", "-");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("[grey]CPU is measured after a 5 s warm-up, sampled every 500 ms; memory is VmRSS over the whole run.[/]");
    }
}
