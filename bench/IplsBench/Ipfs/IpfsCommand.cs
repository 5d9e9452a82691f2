using System.CommandLine;
using System.Text.Json;
using IplsCore.Configuration;
using IplsCore.Transport.Kubo;
using Spectre.Console;

namespace IplsBench.Ipfs;

/// <summary><c>ipfs --ipfs-api A,B,C,D [--seconds 120] [--restart "CMD"] [--json]</c>: the federation over running IPFS daemons.</summary>
internal static class IpfsCommand
{
    public static Command Create()
    {
        var apis = new Option<string>("--ipfs-api")
        {
            Description = "API multiaddrs of running daemons, comma-separated (at least 4: bootstrapper, 2+ peers, late joiner). scripts/ipfs-dev.sh start 4 prints them as IPLS_IPFS_APIS.",
            Required = true,
        };
        var seconds = new Option<double>("--seconds") { Description = "Measuring time once every peer has done a round.", DefaultValueFactory = _ => 120.0 };
        var restart = new Option<string?>("--restart")
        {
            Description = "Shell command that restarts daemon 1 (the first peer's), e.g. \"scripts/ipfs-dev.sh restart 1 --state DIR\"; measured at the end.",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var command = new Command("ipfs", "A fleet of real agents with transport: ipfs on running IPFS daemons (js-ipfs or Kubo): rounds per minute, joiner sync time, daemon traffic per round, a daemon restart.")
        {
            apis, seconds, restart, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var uris = new List<Uri>();
            foreach (string address in (parse.GetValue(apis) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!KuboApiAddress.TryParse(address, out var uri, out string? error))
                {
                    Console.Error.WriteLine($"error: --ipfs-api {address}: {error}");
                    return 2;
                }

                uris.Add(uri);
            }

            double s = parse.GetValue(seconds);
            if (uris.Count < 4 || s <= 0)
            {
                Console.Error.WriteLine("error: --ipfs-api needs at least 4 daemons and --seconds must be positive");
                return 2;
            }

            bool asJson = parse.GetValue(json);
            IpfsFigures figures;
            try
            {
                figures = await new IpfsBenchmark(uris, TimeSpan.FromSeconds(s), parse.GetValue(restart), m => Console.Error.WriteLine("ipfs bench: " + m)).RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidOperationException or KuboException or HttpRequestException or ConfigurationException)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 1;
            }

            if (asJson)
            {
                Console.WriteLine(JsonSerializer.Serialize(figures, BenchJsonContext.Default.IpfsFigures));
            }
            else
            {
                Print(figures);
            }

            return 0;
        });
        return command;
    }

    private static void Print(IpfsFigures f)
    {
        var table = new Table().Title($"IPLS over {f.Daemon}, {f.Agents} agents (bootstrapper, peers, late joiner) on their own daemons").AddColumn("figure").AddColumn(new TableColumn("measured").RightAligned());
        table.AddRow("seconds measured", $"{f.SecondsMeasured:F0}");
        table.AddRow("seconds until every peer did a round", $"{f.SecondsToFirstRounds:F1}");
        table.AddRow("rounds per minute (per peer)", $"{f.RoundsPerMinute:F1}");
        table.AddRow($"bytes sent per peer per round ({f.BytesSource})", f.BytesSentPerPeerPerRound is { } sent ? $"{sent:N0}" : "-");
        table.AddRow("bytes received per peer per round", f.BytesReceivedPerPeerPerRound is { } received ? $"{received:N0}" : "-");
        table.AddRow("late joiner: seconds to its first fleet model", f.JoinerSecondsToFleetModel is { } join ? $"{join:F2}" : "-");
        table.AddRow("late joiner synchronized by", Markup.Escape(f.JoinerSynchronizedBy));
        if (f.Restart is { } r)
        {
            table.AddRow("restart command (s)", $"{r.RestartCommandSeconds:F1}");
            table.AddRow("restarted peer: seconds to its next round", r.SecondsToNextRound is { } next ? $"{next:F1}" : "-");
            table.AddRow("restarted peer: seconds until all others hear it", r.SecondsUntilHeardAgain is { } heard ? $"{heard:F1}" : "-");
            table.AddRow("rounds by the others while it restarted", $"{r.RoundsByOthersDuringRestart}");
        }

        AnsiConsole.Write(table);
    }
}
