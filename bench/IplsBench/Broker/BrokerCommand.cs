using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace IplsBench.Broker;

/// <summary><c>broker [--messages 25000] [--publishers 8] [--qos 0|1] [--window 100] [--broker embedded|mosquitto|all] [--json]</c>.</summary>
internal static class BrokerCommand
{
    /// <summary>Half of mosquitto 2.0's rates on this machine kind (shared/design/measurements.md), for runs without mosquitto.</summary>
    public static double TargetMessagesPerSecond(int qos) => qos == 0 ? 30_000 : 16_500;

    public static Command Create()
    {
        var messages = new Option<int>("--messages") { Description = "Messages per publisher.", DefaultValueFactory = _ => 25_000 };
        var publishers = new Option<int>("--publishers") { Description = "Publisher clients, one topic vehicle/{n} each.", DefaultValueFactory = _ => 8 };
        var qos = new Option<int[]>("--qos") { Description = "QoS levels to run (0, 1).", DefaultValueFactory = _ => [0, 1], AllowMultipleArgumentsPerToken = true };
        var window = new Option<int>("--window") { Description = "Unacknowledged QoS 1 publishes each publisher keeps in flight.", DefaultValueFactory = _ => 100 };
        var broker = new Option<string>("--broker") { Description = "embedded, mosquitto or all (mosquitto only when installed).", DefaultValueFactory = _ => "all" };
        broker.AcceptOnlyFromAmong("embedded", "mosquitto", "all");
        var json = new Option<bool>("--json") { Description = "Print a JSON array instead of a table." };
        var command = new Command("broker", "8 publishers → 1 subscriber on vehicle/# through the dashboard's embedded broker (and mosquitto): msg/s end to end, p50/p99 latency, messages lost.")
        {
            messages, publishers, qos, window, broker, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            int perPublisher = parse.GetValue(messages);
            int count = parse.GetValue(publishers);
            int inFlight = parse.GetValue(window);
            int[] levels = parse.GetValue(qos) ?? [0, 1];
            if (perPublisher is < 1 or > 10_000_000 || count is < 1 or > 99 || inFlight is < 1 or > 10_000 || levels.Any(l => l is not (0 or 1)))
            {
                Console.Error.WriteLine("error: --messages 1–10,000,000, --publishers 1–99, --window 1–10,000, --qos 0 and/or 1");
                return 2;
            }

            string which = parse.GetValue(broker) ?? "all";
            if (which == "mosquitto" && MosquittoBroker.Executable is null)
            {
                Console.Error.WriteLine("error: mosquitto is not installed (apt-get install mosquitto)");
                return 2;
            }

            var results = new List<BrokerFigures>();
            foreach (var start in Brokers(which))
            {
                foreach (int level in levels)
                {
                    // A fresh broker per run, so one run's backlog never slows the next.
                    await using var running = await start(cancellationToken).ConfigureAwait(false);
                    var load = new BrokerLoad(count, perPublisher, level, inFlight);
                    if (!parse.GetValue(json))
                    {
                        AnsiConsole.MarkupLine($"[grey]{Markup.Escape(running.Name)}, QoS {level}: {load.Total:N0} messages…[/]");
                    }

                    var figures = await BrokerBenchmark.RunAsync(running, load, cancellationToken).ConfigureAwait(false);
                    results.Add(running is BenchDashboard embedded ? figures with { HeldPublishes = embedded.FlowStatus.HeldPublishes, BrokerDropped = embedded.FlowStatus.Dropped } : figures);
                }
            }

            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(results, BenchJsonContext.Default.ListBrokerFigures));
            }
            else
            {
                Print(results);
            }

            return 0;
        });
        return command;
    }

    private static IEnumerable<Func<CancellationToken, Task<IBenchBroker>>> Brokers(string which)
    {
        if (which is "embedded" or "all")
        {
            yield return async ct => await BenchDashboard.StartAsync(ct).ConfigureAwait(false);
        }

        if (which == "mosquitto" || (which == "all" && MosquittoBroker.Executable is not null))
        {
            yield return async ct => await MosquittoBroker.StartAsync(ct).ConfigureAwait(false);
        }
    }

    private static void Print(List<BrokerFigures> results)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 140;
        }

        var table = new Table().Title("8 publishers → 1 subscriber on vehicle/#, loopback")
            .AddColumn("broker").AddColumn("QoS")
            .AddColumn(new TableColumn("msg/s").RightAligned()).AddColumn(new TableColumn("target").RightAligned())
            .AddColumn(new TableColumn("p50 ms").RightAligned()).AddColumn(new TableColumn("p99 ms").RightAligned())
            .AddColumn(new TableColumn("sent").RightAligned()).AddColumn(new TableColumn("lost").RightAligned()).AddColumn(new TableColumn("dup").RightAligned())
            .AddColumn(new TableColumn("held").RightAligned());
        foreach (var r in results)
        {
            // Half of mosquitto's rate: measured in this run when mosquitto ran, else the reference figure.
            double target = results.FirstOrDefault(m => m.Broker == "mosquitto" && m.Qos == r.Qos) is { } mosquitto ? mosquitto.MessagesPerSecond / 2 : TargetMessagesPerSecond(r.Qos);
            table.AddRow(Markup.Escape(r.Broker), r.Qos.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{r.MessagesPerSecond:N0}", r.Broker == "mosquitto" ? "-" : $"≥ {target:N0}",
                $"{r.LatencyP50Ms:F1}", $"{r.LatencyP99Ms:F1}", $"{r.Sent:N0}", $"{r.Lost:N0}", $"{r.Duplicates:N0}", r.HeldPublishes is { } held ? $"{held:N0}" : "-");
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[grey]payload {results.FirstOrDefault()?.PayloadBytes ?? LoadPayload.Length} bytes (sensor JSON plus a timing tag); lost = never delivered within {BrokerBenchmark.DrainTimeout.TotalSeconds:G} s of the last delivery; held = publishes the embedded broker's flow control made wait.[/]");
    }
}
