using IplsCore.Configuration;
using IplsCore.Transport;
using IplsCore.Transport.Mqtt;
using Microsoft.Extensions.Logging;

namespace IplsPeerAgent.Runtime;

/// <summary>
/// Both connections over the configured MQTT broker: IPLS under <c>ipls/</c>, sensor data and scores
/// on their reference topics (no prefix). Two clients, so a burst of IPLS traffic never delays a score.
/// </summary>
public sealed class MqttAgentTransports : IAgentTransports
{
    public IIplsTransport CreateIpls(AgentSettings settings, string agentId, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggers);
        EnsureSupported(settings);
        // Deltas are a few KB and a model snapshot ~23 KB: 64 KB × 256 queued bounds the worst case to 16 MB.
        var options = Options(settings, "ipls/", $"ipls-{agentId}") with { MaxPayloadBytes = 64 * 1024, ReceiveQueueCapacity = 256 };
        return MqttTransport.Start(options, loggers.CreateLogger("IplsCore.Transport.Mqtt.Ipls"));
    }

    public IIplsTransport CreateData(AgentSettings settings, string agentId, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggers);
        // Sensor payloads are capped at 4 KB by the parser; 16 KB × 1024 queued bounds this queue to 16 MB.
        var options = Options(settings, string.Empty, $"agent-{agentId}") with { MaxPayloadBytes = 16 * 1024, ReceiveQueueCapacity = 1024 };
        return MqttTransport.Start(options, loggers.CreateLogger("IplsCore.Transport.Mqtt.Data"));
    }

    /// <summary>Throws <see cref="NotSupportedException"/> for a transport this build cannot make.</summary>
    public static void EnsureSupported(AgentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Transport != "mqtt")
        {
            throw new NotSupportedException($"transport = \"{settings.Transport}\": not available in this build yet; use \"mqtt\"");
        }
    }

    private static MqttTransportOptions Options(AgentSettings settings, string prefix, string clientId) => new()
    {
        Host = settings.Mqtt.Host,
        Port = settings.Mqtt.Port,
        Username = settings.Mqtt.Username,
        Password = settings.Mqtt.Password,
        TopicPrefix = prefix,
        ClientId = clientId,
    };
}
