using System.CommandLine;
using IplsCore.Engine;

namespace IplsPeerAgent.Cli;

/// <summary>Options shared by several commands, so they read and validate the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string> Layers() => new("--layers")
    {
        Description = "Layer sizes of the network, input first (used when the model file does not say).",
        DefaultValueFactory = _ => NetworkShape.Default.ToString(),
    };

    public static NetworkShape ParseLayers(string text)
    {
        try
        {
            return NetworkShape.Parse(text);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new CliUsageException($"--layers '{text}': {ex.Message}", ex);
        }
    }
}
