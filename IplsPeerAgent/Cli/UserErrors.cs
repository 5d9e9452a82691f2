using IplsCore.Data;
using IplsCore.Engine;
using IplsCore.Persistence;

namespace IplsPeerAgent.Cli;

/// <summary>
/// Turns the errors a user can cause (missing or malformed files, bad option values) into one line
/// on stderr and exit code 2, without a stack trace. Anything else is a bug and propagates.
/// </summary>
internal static class UserErrors
{
    public static async Task<int> RunAsync(TextWriter error, Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUserError(ex))
        {
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return AgentCli.UserErrorExitCode;
        }
    }

    public static int Run(TextWriter error, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (IsUserError(ex))
        {
            error.WriteLine($"error: {ex.Message}");
            return AgentCli.UserErrorExitCode;
        }
    }

    private static bool IsUserError(Exception ex) =>
        ex is ModelFormatException or DataFormatException or CliUsageException or NonFiniteValueException
            or IOException or UnauthorizedAccessException or IplsCore.Configuration.ConfigurationException;
}
