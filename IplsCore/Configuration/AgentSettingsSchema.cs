using System.Reflection;

namespace IplsCore.Configuration;

/// <summary>The JSON Schema of the agent configuration, embedded in this assembly for the agent and the dashboard.</summary>
public static class AgentSettingsSchema
{
    public const string ResourceName = "IplsCore.Configuration.agent-config.schema.json";

    public static string Json { get; } = Load();

    private static string Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
