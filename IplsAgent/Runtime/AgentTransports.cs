using IplsCore.Configuration;
using IplsCore.Transport;
using IplsCore.Transport.Kubo;
using IplsCore.Transport.Mqtt;
using Microsoft.Extensions.Logging;

namespace IplsAgent.Runtime;

/// <summary>
/// An agent's two connections. IPLS goes over the configured transport: the MQTT broker under
/// <c>ipls/</c> (<c>transport: mqtt</c>), or the vehicle's Kubo daemon, pubsub topics under
/// <c>ipls/</c> and the model as blocks by CID (<c>transport: ipfs</c>). Sensor data and scores
/// always use the broker on their reference topics (no prefix), as the reference did, on a client
/// of their own so a burst of IPLS traffic never delays a score.
/// </summary>
public sealed class AgentTransports : IAgentTransports
{
    public IIplsTransport CreateIpls(AgentSettings settings, string agentId, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggers);
        if (settings.Transport == IplsTransportKind.Ipfs)
        {
            return KuboTransport.Start(KuboOptions(settings), loggers.CreateLogger("IplsCore.Transport.Kubo"));
        }

        // Deltas are a few KB and a model snapshot ~23 KB: 64 KB × 256 queued bounds the worst case to 16 MB.
        var options = MqttOptions(settings, "ipls/", $"ipls-{agentId}") with { MaxPayloadBytes = 64 * 1024, ReceiveQueueCapacity = 256 };
        return MqttTransport.Start(options, loggers.CreateLogger("IplsCore.Transport.Mqtt.Ipls"));
    }

    public IMessageLink CreateData(AgentSettings settings, string agentId, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggers);
        // Sensor payloads are capped at 4 KB by the parser; 16 KB × 1024 queued bounds this queue to 16 MB.
        var options = MqttOptions(settings, string.Empty, $"agent-{agentId}") with { MaxPayloadBytes = 16 * 1024, ReceiveQueueCapacity = 1024 };
        return MqttTransport.Start(options, loggers.CreateLogger("IplsCore.Transport.Mqtt.Data"));
    }

    /// <summary>Where IPLS goes, in words, for <c>run --check</c> and the start-up log.</summary>
    public static string DescribeIpls(AgentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Transport != IplsTransportKind.Ipfs)
        {
            return $"IPLS over MQTT at {settings.Mqtt.Host}:{settings.Mqtt.Port}";
        }

        var options = KuboOptions(settings);
        return $"IPLS over Kubo at {options.ApiUri}, {options.Bootstrappers.Count} bootstrapper(s)";
    }

    /// <summary>The Kubo transport's options from the (already validated) IPFS keys; bad values throw <see cref="ConfigurationException"/>.</summary>
    public static KuboTransportOptions KuboOptions(AgentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!KuboApiAddress.TryParse(settings.IpfsAddress, out var api, out string? error))
        {
            throw new ConfigurationException("ipfsAddress", settings.IpfsAddress, error);
        }

        var issues = new List<ConfigIssue>();
        var bootstrappers = KuboPeerAddress.Combine(settings.IpfsBootstrapperAddresses, settings.IpfsBootstrapperIds, issues);
        if (issues.Count > 0)
        {
            throw new ConfigurationException(issues[0].ToString());
        }

        // Same bounds as over MQTT: 64 KB × 256 queued messages.
        return new KuboTransportOptions
        {
            ApiUri = api,
            TopicPrefix = "ipls/",
            Bootstrappers = bootstrappers,
            MaxPayloadBytes = 64 * 1024,
            ReceiveQueueCapacity = 256,
        };
    }

    private static MqttTransportOptions MqttOptions(AgentSettings settings, string prefix, string clientId) => new()
    {
        Host = settings.Mqtt.Host,
        Port = settings.Mqtt.Port,
        Username = settings.Mqtt.Username,
        Password = settings.Mqtt.Password,
        TopicPrefix = prefix,
        ClientId = clientId,
    };
}
