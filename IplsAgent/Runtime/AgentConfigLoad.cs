using IplsCore.Configuration;

namespace IplsAgent.Runtime;

/// <summary>A config document read into settings, or the reasons it cannot be.</summary>
public sealed record AgentConfigLoad(AgentSettings? Settings, IReadOnlyList<ConfigIssue> Errors, IReadOnlyList<ConfigIssue> Warnings, byte[] Json, string Hash)
{
    public bool IsValid => Settings is not null && Errors.Count == 0;

    public static AgentConfigLoad Failed(string hash, ConfigIssue issue) => new(null, [issue], [], [], hash);
}
