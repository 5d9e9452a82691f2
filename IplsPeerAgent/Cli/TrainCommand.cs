using System.CommandLine;
using System.Globalization;
using IplsCore.Data;
using IplsCore.Engine;
using IplsCore.Persistence;
using IplsCore.Scaling;
using Spectre.Console;

namespace IplsPeerAgent.Cli;

/// <summary>
/// <c>train</c>: trains a model from CSV files or synthetic data and writes an .iplsm file. The
/// agents' default model comes from this command (see the README for the exact invocation).
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = new Option<string[]>("--data") { Description = "CSV files to train on.", AllowMultipleArgumentsPerToken = true };
        var synthetic = new Option<string?>("--synthetic") { Description = "Train on synthetic data of this mode instead of files: normal or anomaly." };
        synthetic.AcceptOnlyFromAmong("normal", "anomaly");
        var rows = new Option<int>("--rows") { Description = "Rows of synthetic data.", DefaultValueFactory = _ => 20_000 };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the data.", DefaultValueFactory = _ => 30 };
        var batchSize = new Option<int>("--batch-size") { Description = "Rows per Adam step.", DefaultValueFactory = _ => 32 };
        var learningRate = new Option<float>("--learning-rate") { Description = "Adam learning rate.", DefaultValueFactory = _ => 0.001f };
        var seed = new Option<int>("--seed") { Description = "Seed for initial weights, synthetic data and shuffling.", DefaultValueFactory = _ => 123 };
        var layers = CommonOptions.Layers();
        var scalerFile = new Option<string?>("--scaler") { Description = "Use this scaler (ND4J, our JSON, or an .iplsm) instead of fitting one." };
        var scalerMin = new Option<string?>("--scaler-min") { Description = "Scaler minimum per feature, comma-separated (with --scaler-max)." };
        var scalerMax = new Option<string?>("--scaler-max") { Description = "Scaler maximum per feature, comma-separated (with --scaler-min)." };
        var scalerSynthetic = new Option<bool>("--scaler-synthetic") { Description = "Fit the scaler on synthetic normal AND anomaly data, as the reference's scaler was, so that a fleet can later learn anomaly data as a new normal." };
        var output = new Option<string>("--out") { Description = "The .iplsm file to write.", Required = true };
        var command = new Command("train", "Train an autoencoder (binary cross-entropy, Adam) and write it with its scaler.")
        {
            data, synthetic, rows, epochs, batchSize, learningRate, seed, layers, scalerFile, scalerMin, scalerMax, scalerSynthetic, output,
        };

        command.SetAction(parse => UserErrors.Run(parse.InvocationConfiguration.Error, () =>
        {
            var shape = CommonOptions.ParseLayers(parse.GetValue(layers)!);
            int trainSeed = parse.GetValue(seed);
            var raw = LoadData(parse.GetValue(data) ?? [], parse.GetValue(synthetic), parse.GetValue(rows), trainSeed, shape.InputSize);
            var scaler = ChooseScaler(parse.GetValue(scalerFile), parse.GetValue(scalerMin), parse.GetValue(scalerMax), parse.GetValue(scalerSynthetic), raw, shape.InputSize, trainSeed);
            var options = new TrainingOptions
            {
                BatchSize = parse.GetValue(batchSize),
                Epochs = parse.GetValue(epochs),
                Seed = trainSeed,
                Adam = new AdamOptions { LearningRate = parse.GetValue(learningRate) },
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentOutOfRangeException ex)
            {
                throw new CliUsageException(ex.Message, ex);
            }

            var scaled = new float[raw.Length];
            scaler.Transform(raw, scaled);
            var trainer = new AutoencoderTrainer(DenseNetwork.CreateXavier(shape, trainSeed), options);
            var console = CreateConsole(parse.InvocationConfiguration.Error);
            var result = console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    var task = context.AddTask("training", maxValue: options.Epochs);
                    return trainer.Fit(scaled, progress: new SynchronousProgress<TrainingProgress>(p =>
                    {
                        task.Description = string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch}/{p.Epochs} loss {p.Loss:F5}");
                        task.Value = p.Epoch;
                    }));
                });

            string outPath = parse.GetRequiredValue(output);
            ModelFile.WriteFile(outPath, trainer.Network, scaler);
            var outText = parse.InvocationConfiguration.Output;
            outText.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {outPath}: {shape} network, {raw.Length / shape.InputSize} rows x {result.Epochs} epochs, {result.Steps} steps, final loss {result.LastEpochLoss:F6}"));
            outText.WriteLine($"scaler: {scaler}");
            if (shape.InputSize == VehicleDataSpec.Features)
            {
                WriteSelfCheck(outText, ScoringModel.Create(trainer.Network, scaler), trainSeed);
            }

            return 0;
        }));
        return command;
    }

    private static float[] LoadData(string[] files, string? synthetic, int rows, int seed, int features)
    {
        if (files.Length > 0 == (synthetic is not null))
        {
            throw new CliUsageException("give either --data CSV... or --synthetic normal|anomaly (exactly one of them)");
        }

        if (synthetic is not null)
        {
            if (rows < 1 || rows > 10_000_000)
            {
                throw new CliUsageException($"--rows {rows}: must be between 1 and 10,000,000");
            }

            if (features != VehicleDataSpec.Features)
            {
                throw new CliUsageException($"synthetic data has {VehicleDataSpec.Features} features but the network takes {features}");
            }

            if (!GeneratorModeParser.TryParse(synthetic, out var mode))
            {
                throw new CliUsageException("--synthetic must be normal or anomaly");
            }

            return SyntheticVehicleData.Generate(mode, rows, seed);
        }

        var all = new List<float>();
        foreach (string file in files)
        {
            all.AddRange(SensorCsv.ReadFile(file, features));
        }

        return [.. all];
    }

    private static MinMaxScaler ChooseScaler(string? file, string? min, string? max, bool synthetic, float[] raw, int features, int seed)
    {
        int sources = (file is not null ? 1 : 0) + (min is not null || max is not null ? 1 : 0) + (synthetic ? 1 : 0);
        if (sources > 1)
        {
            throw new CliUsageException("choose one of --scaler, --scaler-min/--scaler-max and --scaler-synthetic");
        }

        if (file is not null)
        {
            var loaded = ModelLoader.LoadScaler(file);
            return loaded.Features == features
                ? loaded
                : throw new CliUsageException($"--scaler {file}: has {loaded.Features} features, the network takes {features}");
        }

        if (min is not null || max is not null)
        {
            if (min is null || max is null)
            {
                throw new CliUsageException("--scaler-min and --scaler-max go together");
            }

            try
            {
                return new MinMaxScaler(ParseList("--scaler-min", min, features), ParseList("--scaler-max", max, features));
            }
            catch (ArgumentException ex)
            {
                throw new CliUsageException(ex.Message, ex);
            }
        }

        if (synthetic)
        {
            // As many rows of each mode as the reference files hold; seeded apart from the training data.
            var normal = SyntheticVehicleData.Generate(GeneratorMode.Normal, 3600, seed + 1);
            var anomaly = SyntheticVehicleData.Generate(GeneratorMode.Anomaly, 3600, seed + 2);
            return MinMaxScaler.Fit(normal, features).Union(MinMaxScaler.Fit(anomaly, features));
        }

        return MinMaxScaler.Fit(raw, features);
    }

    private static float[] ParseList(string option, string text, int features)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != features)
        {
            throw new CliUsageException($"{option} '{text}': expected {features} comma-separated numbers, got {parts.Length}");
        }

        var values = new float[features];
        for (int i = 0; i < features; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
            {
                throw new CliUsageException($"{option} '{text}': '{parts[i]}' is not a finite number");
            }
        }

        return values;
    }

    private static void WriteSelfCheck(TextWriter output, ScoringModel model, int seed)
    {
        var scorer = new AnomalyScorer(model, maxBatch: 1024);
        foreach (var mode in new[] { GeneratorMode.Normal, GeneratorMode.Anomaly })
        {
            var rows = SyntheticVehicleData.Generate(mode, 4000, seed + 100);
            var scores = new float[4000];
            scorer.Score(rows, scores);
            var summary = ScoreSummary.Compute(mode.ToString(), scores, AnomalyThreshold.Default);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"self-check on fresh synthetic {mode.ToString().ToLowerInvariant()} data: mean score {summary.Mean:F4}, p99 {summary.P99:F4}, share above {AnomalyThreshold.Default} {summary.ShareAbove:P1}"));
        }
    }

    private static IAnsiConsole CreateConsole(TextWriter writer) =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
}
