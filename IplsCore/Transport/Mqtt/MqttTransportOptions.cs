using IplsCore.Configuration;

namespace IplsCore.Transport.Mqtt;

/// <summary>Where and how the MQTT transport connects. Defaults suit the dashboard's embedded broker.</summary>
public sealed record MqttTransportOptions
{
    public string Host { get; init; } = "localhost";

    public int Port { get; init; } = 1883;

    /// <summary>Prepended to every topic, so IPLS traffic stays apart from sensor data on a shared broker.</summary>
    public string TopicPrefix { get; init; } = "ipls/";

    /// <summary>MQTT client id; a unique one is made when empty.</summary>
    public string? ClientId { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>How long a publish waits for a (re)connection before giving up.</summary>
    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a content fetch waits for the retained message.</summary>
    public TimeSpan ContentTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Idle time after which the client pings the broker. A dead link is noticed after this plus
    /// <see cref="CommunicationTimeout"/> (≈ 8 s, was 15 s + 5 s); a busy connection never pings at
    /// all, an idle one sends 2 bytes every 5 s.
    /// </summary>
    public TimeSpan KeepAlivePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a connect, ping or acknowledgement may take before the link counts as lost.</summary>
    public TimeSpan CommunicationTimeout { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    public int MaxPayloadBytes { get; init; } = 256 * 1024;

    /// <summary>Incoming messages held for the consumer before new ones are dropped (and counted).</summary>
    public int ReceiveQueueCapacity { get; init; } = 4096;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            throw new ConfigurationException(nameof(Host), Host, "must name the broker host");
        }

        if (Port is < 1 or > 65535)
        {
            throw new ConfigurationException(nameof(Port), Port, "must be between 1 and 65535");
        }

        if (TopicPrefix.Contains('#', StringComparison.Ordinal) || TopicPrefix.Contains('+', StringComparison.Ordinal))
        {
            throw new ConfigurationException(nameof(TopicPrefix), TopicPrefix, "must not contain MQTT wildcards");
        }

        if (PublishTimeout <= TimeSpan.Zero || ContentTimeout <= TimeSpan.Zero || ReconnectMinDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectMinDelay
            || KeepAlivePeriod < TimeSpan.FromSeconds(1) || CommunicationTimeout <= TimeSpan.Zero)
        {
            throw new ConfigurationException(nameof(PublishTimeout), PublishTimeout, "timeouts and delays must be positive, KeepAlivePeriod ≥ 1 s, ReconnectMaxDelay ≥ ReconnectMinDelay");
        }

        if (MaxPayloadBytes is < 1024 or > 1024 * 1024 - 1024)
        {
            throw new ConfigurationException(nameof(MaxPayloadBytes), MaxPayloadBytes, "must be between 1 KiB and just under 1 MiB");
        }

        if (ReceiveQueueCapacity < 16)
        {
            throw new ConfigurationException(nameof(ReceiveQueueCapacity), ReceiveQueueCapacity, "must be at least 16");
        }
    }
}
