namespace IplsCore.Configuration;

/// <summary>Settings when the configuration is valid; otherwise the errors. Warnings (unknown keys) never block.</summary>
public sealed record AgentSettingsResult(AgentSettings? Settings, IReadOnlyList<ConfigIssue> Errors, IReadOnlyList<ConfigIssue> Warnings)
{
    public bool IsValid => Errors.Count == 0 && Settings is not null;
}
