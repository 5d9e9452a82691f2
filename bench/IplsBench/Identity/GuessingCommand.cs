using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace IplsBench.Identity;

/// <summary><c>guessing [--seconds 30] [--connections 8] [--json]</c>: how fast can one address guess broker passwords?</summary>
internal static class GuessingCommand
{
    public static Command Create()
    {
        var seconds = new Option<double>("--seconds") { Description = "How long the attack runs.", DefaultValueFactory = _ => 30.0 };
        var connections = new Option<int>("--connections") { Description = "Parallel connections of the attacker.", DefaultValueFactory = _ => 8 };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("guessing", "Wrong-password MQTT connects from one address against the embedded broker while 8 vehicles on other addresses connect: checked guesses/s, legitimate connect latency.")
        {
            seconds, connections, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            double s = parse.GetValue(seconds);
            int c = parse.GetValue(connections);
            if (s is < 1 or > 3600 || c is < 1 or > 256)
            {
                Console.Error.WriteLine("error: --seconds 1–3600, --connections 1–256");
                return 2;
            }

            var figures = await GuessingBenchmark.RunAsync(TimeSpan.FromSeconds(s), c, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(figures, BenchJsonContext.Default.GuessingFigures));
                return 0;
            }

            var table = new Table().Title("password guessing from one address").AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("attempts (answered)", figures.Attempts.ToString(CultureInfo.InvariantCulture));
            table.AddRow("checked (bad password)", figures.Checked.ToString(CultureInfo.InvariantCulture));
            table.AddRow("refused unchecked (waiting / banned)", figures.RefusedUnchecked.ToString(CultureInfo.InvariantCulture));
            table.AddRow("checked guesses/s", $"{figures.GuessesPerSecond:F2}");
            table.AddRow("legitimate connects (other addresses)", $"{figures.LegitimateConnects}, {figures.LegitimateFailures} refused");
            table.AddRow("legitimate connect p95 / max", $"{figures.LegitimateConnectP95Ms:F1} ms / {figures.LegitimateConnectMaxMs:F1} ms");
            table.AddRow("rejected events", figures.Events.ToString(CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
