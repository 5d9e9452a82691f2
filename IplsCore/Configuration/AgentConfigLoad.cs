using System.Diagnostics.CodeAnalysis;

namespace IplsCore.Configuration;

/// <summary>
/// A configuration read into settings, or the reasons it cannot be: the one result of
/// <see cref="AgentConfigSource.Load"/> (a JSON document: <see cref="Json"/> and <see cref="Hash"/>
/// describe it) and <see cref="AgentSettingsReader.Read"/> (configuration already built: both empty).
/// Warnings (unknown keys) never block. <see cref="IsValid"/> proves <see cref="Settings"/> non-null;
/// <see cref="Valid"/> is the form to keep.
/// </summary>
public sealed record AgentConfigLoad(AgentSettings? Settings, IReadOnlyList<ConfigIssue> Errors, IReadOnlyList<ConfigIssue> Warnings, byte[] Json, string Hash)
{
    [MemberNotNullWhen(true, nameof(Settings))]
    public bool IsValid => Settings is not null && Errors.Count == 0;

    /// <summary>The valid form, settings non-null; throws when the configuration is not valid.</summary>
    public AgentConfig Valid => IsValid
        ? new AgentConfig(Settings, Json, Hash, Warnings)
        : throw new InvalidOperationException("The configuration is not valid: " + string.Join("; ", Errors));

    public static AgentConfigLoad Failed(string hash, ConfigIssue issue) => new(null, [issue], [], [], hash);
}

/// <summary>A valid configuration: its settings and the document they came from.</summary>
public sealed record AgentConfig(AgentSettings Settings, byte[] Json, string Hash, IReadOnlyList<ConfigIssue> Warnings);
