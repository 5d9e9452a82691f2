using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using IplsCore.Data;
using IplsCore.Engine;
using IplsCore.Persistence;

namespace IplsPeerAgent.Cli;

/// <summary><c>score</c>: offline scoring of CSV files with summary statistics per file.</summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model file: ours (.iplsm) or the reference ad_ipls_params (detected from the content).", Required = true };
        var scaler = new Option<string?>("--scaler") { Description = "Scaler file: the reference ND4J 'scaler', our JSON scaler, or an .iplsm carrying one. Required with reference parameters." };
        var threshold = new Option<double>("--threshold") { Description = "Anomaly threshold for the share-above figure.", DefaultValueFactory = _ => AnomalyThreshold.Default };
        var perRow = new Option<bool>("--per-row") { Description = "Print one score per line instead of the summary (with --json: add a \"scores\" array per file)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object: {\"files\":[{\"file\",\"rows\",\"mean\",\"median\",\"p90\",\"p99\",\"max\",\"share_above\"}]}." };
        var layers = CommonOptions.Layers();
        var files = new Argument<string[]>("CSV") { Description = "CSV files of 4 comma-separated numbers per row, no header.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("score", "Score CSV files offline and summarise each: rows, mean, median, p90, p99, max, share above the threshold.")
        {
            model, scaler, threshold, perRow, json, layers, files,
        };

        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            return UserErrors.Run(parse.InvocationConfiguration.Error, () =>
            {
                double limit = parse.GetValue(threshold);
                if (!double.IsFinite(limit))
                {
                    throw new CliUsageException("--threshold must be a finite number");
                }

                var (network, fittedScaler) = ModelLoader.Load(parse.GetRequiredValue(model), parse.GetValue(scaler), CommonOptions.ParseLayers(parse.GetValue(layers)!));
                var scorer = new AnomalyScorer(ScoringModel.Create(network, fittedScaler), maxBatch: 1024);
                var results = new List<(ScoreSummary Summary, float[] Scores)>();
                foreach (string file in parse.GetRequiredValue(files))
                {
                    var rows = SensorCsv.ReadFile(file, network.Shape.InputSize);
                    var scores = new float[rows.Length / network.Shape.InputSize];
                    scorer.Score(rows, scores);
                    results.Add((ScoreSummary.Compute(file, scores, limit), scores));
                }

                bool rowsWanted = parse.GetValue(perRow);
                if (parse.GetValue(json))
                {
                    WriteJson(output, results, rowsWanted);
                }
                else if (rowsWanted)
                {
                    foreach (var (_, scores) in results)
                    {
                        foreach (float score in scores)
                        {
                            output.WriteLine(score.ToString("G7", CultureInfo.InvariantCulture));
                        }
                    }
                }
                else
                {
                    WriteText(output, results.Select(r => r.Summary), limit);
                }

                return 0;
            });
        });
        return command;
    }

    private static void WriteText(TextWriter output, IEnumerable<ScoreSummary> summaries, double threshold)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"file",-24} {"rows",7} {"mean",10} {"median",10} {"p90",10} {"p99",10} {"max",10} {$"> {threshold:G4}",9}"));
        foreach (var s in summaries)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(s.File),-24} {s.Rows,7} {s.Mean,10:F6} {s.Median,10:F6} {s.P90,10:F6} {s.P99,10:F6} {s.Max,10:F6} {s.ShareAbove,9:P2}"));
        }
    }

    private static void WriteJson(TextWriter output, List<(ScoreSummary Summary, float[] Scores)> results, bool withScores)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("files");
            foreach (var (s, scores) in results)
            {
                writer.WriteStartObject();
                writer.WriteString("file", s.File);
                writer.WriteNumber("rows", s.Rows);
                WriteStat(writer, "mean", s.Mean);
                WriteStat(writer, "median", s.Median);
                WriteStat(writer, "p90", s.P90);
                WriteStat(writer, "p99", s.P99);
                WriteStat(writer, "max", s.Max);
                WriteStat(writer, "share_above", s.ShareAbove);
                if (withScores)
                {
                    writer.WriteStartArray("scores");
                    foreach (float score in scores)
                    {
                        writer.WriteNumberValue(score);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    private static void WriteStat(Utf8JsonWriter writer, string name, double value)
    {
        // An empty file has no statistics; JSON has no NaN, so say null.
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, Math.Round(value, 8));
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
