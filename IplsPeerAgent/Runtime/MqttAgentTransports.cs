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
        return MqttTransport.Start(Options(settings, "ipls/", $"ipls-{agentId}"), loggers.CreateLogger("IplsCore.Transport.Mqtt.Ipls"));
    }

    public IIplsTransport CreateData(AgentSettings settings, string agentId, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggers);
        return MqttTransport.Start(Options(settings, string.Empty, $"agent-{agentId}"), loggers.CreateLogger("IplsCore.Transport.Mqtt.Data"));
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

        // At 4 Hz a few hundred samples is a minute of data; beyond that, drops are counted.
        ReceiveQueueCapacity = 1024,
    };
}
