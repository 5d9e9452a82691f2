using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace IplsBench;

/// <summary><c>engine [--json]</c>: single-thread engine figures.</summary>
internal static class EngineCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var seconds = new Option<double>("--seconds") { Description = "Measuring time per figure, in seconds.", DefaultValueFactory = _ => 2.0 };
        var command = new Command("engine", "Training and scoring throughput of the model engine on one thread, and bytes allocated per scored row.")
        {
            json,
            seconds,
        };
        command.SetAction(parse =>
        {
            var figures = EngineBenchmark.Run(TimeSpan.FromSeconds(parse.GetValue(seconds)));
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(figures, BenchJsonContext.Default.EngineFigures));
            }
            else
            {
                Print(figures);
            }

            return 0;
        });
        return command;
    }

    private static void Print(EngineFigures f)
    {
        var table = new Table().AddColumn("figure").AddColumn(new TableColumn("ours").RightAligned()).AddColumn(new TableColumn("libtorch 1.13 (reference)").RightAligned()).AddColumn(new TableColumn("target").RightAligned());
        table.AddRow("training, batch 32 (rows/s)", $"{f.TrainRowsPerSecondBatch32:N0}", "~59,000", "≥ 180,000");
        table.AddRow("training, batch 1 (rows/s)", $"{f.TrainRowsPerSecondBatch1:N0}", "-", "-");
        table.AddRow("scoring, batch 1 (µs/row)", $"{f.ScoreMicrosecondsPerRowBatch1:N2}", "~27", "≤ 3");
        table.AddRow("scoring, batch 4096 (rows/s)", $"{f.ScoreRowsPerSecondBatch4096:N0}", "~350,000", "≥ 350,000");
        table.AddRow("allocated per scored row (bytes)", $"{f.ScoreAllocatedBytesPerRow:N2}", "-", "0");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[grey]{Markup.Escape(EngineBenchmark.Describe())}[/]");
    }
}
