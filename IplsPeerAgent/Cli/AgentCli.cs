using System.CommandLine;

namespace IplsPeerAgent.Cli;

/// <summary>The <c>ipls-agent</c> command line: the agent itself (<c>run</c>) and offline tools.</summary>
internal static class AgentCli
{
    /// <summary>Exit code for user errors (bad files, bad options); 1 is left for unexpected failures.</summary>
    public const int UserErrorExitCode = 2;

    public static RootCommand CreateRoot() => new("IPLS anomaly detection agent: scores vehicle sensor data with an autoencoder that a fleet trains together.")
    {
        ScoreCommand.Create(),
        ImportCommand.Create(),
        GenerateCommand.Create(),
        TrainCommand.Create(),
        RunCommand.Create(),
        SchemaCommand.Create(),
        SelfCheckCommand.Create(),
    };

    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var parse = CreateRoot().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var parseError in parse.Errors)
            {
                await error.WriteLineAsync($"error: {parseError.Message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run 'ipls-agent --help' for usage.").ConfigureAwait(false);
            return UserErrorExitCode;
        }

        // A graceful stop (leave the fleet, final checkpoint) needs a moment after SIGTERM.
        var configuration = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = TimeSpan.FromSeconds(15) };
        return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }
}
