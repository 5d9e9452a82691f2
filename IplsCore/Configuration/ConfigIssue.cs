namespace IplsCore.Configuration;

/// <summary>One problem with a configuration: the key, the offending value and what is allowed.</summary>
public sealed record ConfigIssue(string Key, string? Value, string Message)
{
    public override string ToString() => Value is null ? $"{Key}: {Message}" : $"{Key} = \"{Value}\": {Message}";
}
