using System.CommandLine;
using System.Text;
using IplsCore.Configuration;
using IplsAgent.Runtime;
using IplsCore.Ipls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace IplsPeerAgent.Cli;

/// <summary><c>run</c>: the agent itself, until SIGTERM or Ctrl+C (then it leaves the fleet and checkpoints).</summary>
internal static class RunCommand
{
    public const string EnvironmentPrefix = "IPLS_";

    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config")
        {
            Description = "Agent config (JSON). The reference adConfig.json works unchanged; our keys are listed in the README. Without it, defaults plus overrides.",
        };
        var set = new Option<string[]>("--set")
        {
            Description = "Override a config key: --set vehicle=3 --set generator:mode=anomaly. Applied after IPLS_* environment variables (IPLS_vehicle=3, IPLS_generator__mode=anomaly).",
            AllowMultipleArgumentsPerToken = false,
        };
        var logLevel = new Option<LogLevel>("--log-level") { Description = "Least severe log level written to the console.", DefaultValueFactory = _ => LogLevel.Information };
        var check = new Option<bool>("--check") { Description = "Validate the config (and model file), print the result, and exit." };
        var command = new Command("run", "Run the agent: score the vehicle's sensor stream, train with the fleet over IPLS, obey the dashboard.")
        {
            config, set, logLevel, check,
        };
        command.SetAction((parse, cancellationToken) => UserErrors.RunAsync(parse.InvocationConfiguration.Error, () => RunAsync(
            parse.GetValue(config),
            parse.GetValue(set) ?? [],
            parse.GetValue(logLevel),
            parse.GetValue(check),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            cancellationToken)));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo? configFile, string[] sets, LogLevel level, bool checkOnly, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        // Hand System.CommandLine its task before the (synchronous) start-up: a SIGTERM that arrives
        // while the action has not returned a task yet ends the process with 143 at once, without a
        // leave or a final checkpoint. Once it has the task, a SIGTERM cancels and the stop is graceful.
        await Task.Yield();
        var overrides = ParseSets(sets);
        var variables = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? string.Empty, StringComparer.Ordinal);
        var source = new AgentConfigSource(
            builder => builder.AddEnvironmentVariables(EnvironmentPrefix).AddInMemoryCollection(overrides),
            variables);
        byte[] json = configFile is null ? Encoding.UTF8.GetBytes("{}") : await File.ReadAllBytesAsync(configFile.FullName, cancellationToken).ConfigureAwait(false);
        var load = source.Load(json, configFile?.Name ?? "(no config file)");
        foreach (var warning in load.Warnings)
        {
            await error.WriteLineAsync($"warning: {warning}").ConfigureAwait(false);
        }

        if (!load.IsValid)
        {
            foreach (var issue in load.Errors)
            {
                await error.WriteLineAsync($"error: {issue}").ConfigureAwait(false);
            }

            return AgentCli.UserErrorExitCode;
        }

        if (checkOnly)
        {
            AgentRuntime.LoadModel(load.Settings);
            string ipls = AgentTransports.DescribeIpls(load.Settings);
            if (load.Settings.Transport == IplsTransportKind.Ipfs)
            {
                ipls += "; " + await AgentTransports.ProbeIpfsDaemonAsync(load.Settings, cancellationToken).ConfigureAwait(false);
            }

            await output.WriteLineAsync($"config {load.Hash} is valid: vehicle {load.Settings.Vehicle}, role {load.Settings.Role.Name()}, broker {load.Settings.Mqtt.Host}:{load.Settings.Mqtt.Port}, {ipls}").ConfigureAwait(false);
            return 0;
        }

        using var loggers = LoggerFactory.Create(b => b
            .SetMinimumLevel(level)
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
                o.IncludeScopes = true;
            }));
        var supervisor = await AgentSupervisor.StartAsync(source, load, new AgentRuntimeOptions { Loggers = loggers }, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        await using (supervisor.ConfigureAwait(false))
        {
            await output.WriteLineAsync($"agent {supervisor.Runtime.Identity.Id} running for vehicle {supervisor.Settings.Vehicle}; Ctrl+C or SIGTERM to leave the fleet and stop").ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // SIGTERM / Ctrl+C: fall through to the graceful stop.
            }

            await supervisor.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await output.WriteLineAsync("agent stopped: left the fleet, checkpoint written").ConfigureAwait(false);
        }

        return 0;
    }

    private static Dictionary<string, string?> ParseSets(string[] sets)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (string set in sets)
        {
            int eq = set.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new CliUsageException($"--set '{set}': expected key=value");
            }

            overrides[set[..eq].Trim()] = set[(eq + 1)..];
        }

        return overrides;
    }
}
