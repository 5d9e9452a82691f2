namespace IplsCore.Configuration;

/// <summary>A setting has a value outside what is allowed; the message names the key, the value and the allowed range.</summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException()
    {
    }

    public ConfigurationException(string message)
        : base(message)
    {
    }

    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ConfigurationException(string key, object? value, string allowed)
        : base($"{key} = {value ?? "null"}: {allowed}")
    {
        Key = key;
    }

    /// <summary>The offending setting, when one is to blame.</summary>
    public string? Key { get; }
}
