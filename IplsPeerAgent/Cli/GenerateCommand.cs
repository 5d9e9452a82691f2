using System.CommandLine;
using IplsCore.Data;

namespace IplsPeerAgent.Cli;

/// <summary><c>generate</c>: writes synthetic vehicle data as reference-format CSV.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var mode = new Option<string>("--mode") { Description = "normal or anomaly.", Required = true };
        mode.AcceptOnlyFromAmong("normal", "anomaly");
        var rows = new Option<int>("--rows") { Description = "Number of rows to write.", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed gives the same rows.", DefaultValueFactory = _ => 1 };
        var output = new Option<string?>("--out") { Description = "CSV file to write (default: standard output)." };
        var command = new Command("generate", "Write synthetic vehicle sensor rows (4 features) in the reference CSV format.")
        {
            mode, rows, seed, output,
        };
        command.SetAction(parse => UserErrors.Run(parse.InvocationConfiguration.Error, () =>
        {
            int count = parse.GetValue(rows);
            if (count < 1 || count > 100_000_000)
            {
                throw new CliUsageException($"--rows {count}: must be between 1 and 100,000,000");
            }

            if (!GeneratorModeParser.TryParse(parse.GetRequiredValue(mode), out var generatorMode))
            {
                throw new CliUsageException("--mode must be normal or anomaly");
            }

            var data = SyntheticVehicleData.Generate(generatorMode, count, parse.GetValue(seed));
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
}
