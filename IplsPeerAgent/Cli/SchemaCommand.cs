using System.CommandLine;
using IplsCore.Configuration;

namespace IplsPeerAgent.Cli;

/// <summary><c>schema</c>: prints the JSON Schema of the agent config (also shipped as agent-config.schema.json).</summary>
internal static class SchemaCommand
{
    public static Command Create()
    {
        var command = new Command("schema", "Print the JSON Schema of the agent configuration (reference adConfig.json keys plus ours).");
        command.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.WriteLine(AgentSettingsSchema.Json);
            return 0;
        });
        return command;
    }
}
