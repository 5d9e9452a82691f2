using System.CommandLine;
using IplsAgent.Runtime;
using IplsCore.Configuration;
using IplsCore.Data;
using Microsoft.Extensions.Logging;

namespace IplsPeerAgent.Cli;

/// <summary>
/// <c>generate</c>: writes synthetic vehicle data as reference-format CSV, or (<c>--publish</c>) runs one vehicle's
/// generator on its own against a broker, mode switchable on <c>vehicle/{n}/generator</c>.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var mode = new Option<string?>("--mode") { Description = "normal or anomaly (CSV: required; --publish: the starting mode, default normal)." };
        mode.AcceptOnlyFromAmong("normal", "anomaly");
        var rows = new Option<int?>("--rows") { Description = "Number of rows to write (CSV)." };
        var seed = new Option<int?>("--seed") { Description = "Random seed; the same seed gives the same rows (default: 1, or the vehicle number with --publish)." };
        var output = new Option<string?>("--out") { Description = "CSV file to write (default: standard output)." };
        var publish = new Option<string?>("--publish") { Description = "Publish live on a broker instead: mqtt://HOST:PORT (0.0.0.0 means this host)." };
        var vehicle = new Option<int?>("--vehicle") { Description = "With --publish: the vehicle n (topic vehicle/n)." };
        var rate = new Option<double>("--rate") { Description = "With --publish: samples per second.", DefaultValueFactory = _ => 4 };
        var runtime = new Option<double?>("--runtime") { Description = "With --publish: stop after this many seconds (default: run until stopped)." };
        var normalFile = new Option<string?>("--normal-file") { Description = "With --publish: replay this CSV in normal mode (with --anomaly-file)." };
        var anomalyFile = new Option<string?>("--anomaly-file") { Description = "With --publish: replay this CSV in anomaly mode (with --normal-file)." };
        var username = new Option<string?>("--username") { Description = "With --publish: broker user name (vehicle-n for a per-vehicle identity)." };
        var passwordFile = new Option<string?>("--password-file") { Description = "With --publish: file holding the broker password." };
        var command = new Command("generate", "Write synthetic vehicle sensor rows (4 features) in the reference CSV format, or publish them live for one vehicle (--publish).")
        {
            mode, rows, seed, output, publish, vehicle, rate, runtime, normalFile, anomalyFile, username, passwordFile,
        };
        command.SetAction((parse, cancellationToken) => UserErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            string? url = parse.GetValue(publish);
            if (url is not null)
            {
                var options = PublishOptions(url, parse.GetValue(vehicle), parse.GetValue(mode), parse.GetValue(rate), parse.GetValue(runtime), parse.GetValue(normalFile), parse.GetValue(anomalyFile), parse.GetValue(seed), parse.GetValue(username), parse.GetValue(passwordFile));
                using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "HH:mm:ss ";
                }));
                long published = await StandaloneGenerator.RunAsync(options, loggers, cancellationToken: cancellationToken).ConfigureAwait(false);
                await parse.InvocationConfiguration.Output.WriteLineAsync($"published {published} samples on {options.SensorTopic}").ConfigureAwait(false);
                return 0;
            }

            int count = parse.GetValue(rows) ?? throw new CliUsageException("--rows is required (or --publish mqtt://HOST:PORT --vehicle N to publish live)");
            if (count < 1 || count > 100_000_000)
            {
                throw new CliUsageException($"--rows {count}: must be between 1 and 100,000,000");
            }

            if (!GeneratorModeParser.TryParse(parse.GetValue(mode) ?? throw new CliUsageException("--mode is required: normal or anomaly"), out var generatorMode))
            {
                throw new CliUsageException("--mode must be normal or anomaly");
            }

            var data = SyntheticVehicleData.Generate(generatorMode, count, parse.GetValue(seed) ?? 1);
            string? path = parse.GetValue(output);
            if (path is null)
            {
                SensorCsv.Write(parse.InvocationConfiguration.Output, data);
            }
            else
            {
                using var writer = new StreamWriter(path);
                SensorCsv.Write(writer, data);
            }

            return 0;
        }));
        return command;
    }

    private static StandaloneGeneratorOptions PublishOptions(string url, int? vehicle, string? mode, double rate, double? runtime, string? normalFile, string? anomalyFile, int? seed, string? username, string? passwordFile)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("mqtt" or "tcp") || uri.Port <= 0 || string.IsNullOrEmpty(uri.Host))
        {
            throw new CliUsageException($"--publish {url}: expected mqtt://HOST:PORT");
        }

        if (vehicle is not (>= 1 and <= 99_999))
        {
            throw new CliUsageException($"--vehicle {vehicle?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(missing)"}: --publish needs the vehicle number, 1–99999");
        }

        if (rate is not (>= 0.01 and <= 1000))
        {
            throw new CliUsageException($"--rate {rate}: between 0.01 and 1000 samples per second");
        }

        if (runtime is <= 0)
        {
            throw new CliUsageException($"--runtime {runtime}: a positive number of seconds");
        }

        if ((normalFile is null) != (anomalyFile is null))
        {
            throw new CliUsageException("--normal-file and --anomaly-file go together (or neither, for synthetic data)");
        }

        foreach (string? file in new[] { normalFile, anomalyFile, passwordFile })
        {
            if (file is not null && !File.Exists(file))
            {
                throw new CliUsageException($"{file}: no such file");
            }
        }

        return new StandaloneGeneratorOptions
        {
            Host = BrokerHost.ThisHostIfWildcard(uri.Host),
            Port = uri.Port,
            Vehicle = vehicle.Value,
            Mode = mode == "anomaly" ? GeneratorMode.Anomaly : GeneratorMode.Normal,
            RateHz = rate,
            Runtime = runtime is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            NormalFile = normalFile,
            AnomalyFile = anomalyFile,
            Seed = seed,
            Username = username,
            Password = passwordFile is null ? null : File.ReadAllText(passwordFile).Trim(),
        };
    }
}
