using IplsCore.Configuration;

namespace IplsCore.Control;

/// <summary>The answer to a command or registration: accepted, or refused with the reason (and config errors).</summary>
public sealed record CommandResult(bool Accepted, string Message, IReadOnlyList<ConfigIssue> Issues)
{
    public static CommandResult Ok(string message) => new(true, message, []);

    public static CommandResult Refused(string message, IReadOnlyList<ConfigIssue>? issues = null) => new(false, message, issues ?? []);
}
