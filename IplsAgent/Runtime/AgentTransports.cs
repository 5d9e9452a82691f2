using IplsCore.Configuration;
using IplsCore.Transport;
using IplsCore.Transport.Kubo;
using IplsCore.Transport.Mqtt;
using Microsoft.Extensions.Logging;

namespace IplsAgent.Runtime;

/// <summary>
/// An agent's two connections. IPLS goes over the configured transport: an MQTT broker under
/// <c>ipls/</c> (<c>transport: mqtt</c>; the data broker unless <c>iplsBrokerip</c>/<c>iplsBrokerport</c> name another), or the vehicle's Kubo daemon, pubsub topics under
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
        var options = MqttOptions(settings.IplsMqtt, "ipls/", $"ipls-{agentId}") with { MaxPayloadBytes = 64 * 1024, ReceiveQueueCapacity = 256 };
        return MqttTransport.Start(options, loggers.CreateLogger("IplsCore.Transport.Mqtt.Ipls"));
    }

    public IMessageLink CreateData(AgentSettings settings, string agentId, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggers);
        // Sensor payloads are capped at 4 KB by the parser; 16 KB × 1024 queued bounds this queue to 16 MB.
        var options = MqttOptions(settings.Mqtt, string.Empty, $"agent-{agentId}") with { MaxPayloadBytes = 16 * 1024, ReceiveQueueCapacity = 1024 };
        return MqttTransport.Start(options, loggers.CreateLogger("IplsCore.Transport.Mqtt.Data"));
    }

    /// <summary>Where IPLS goes, in words, for <c>run --check</c> and the start-up log.</summary>
    public static string DescribeIpls(AgentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Transport != IplsTransportKind.Ipfs)
        {
            return $"IPLS over MQTT at {settings.IplsMqtt.Host}:{settings.IplsMqtt.Port}";
        }

        var options = KuboOptions(settings);
        return $"IPLS over Kubo at {options.ApiUri}, {options.Bootstrappers.Count} bootstrapper(s)";
    }

    /// <summary>
    /// For <c>run --check</c>: asks the configured IPFS daemon what it is (Kubo or js-ipfs, version,
    /// pubsub). A daemon that is not up yet is reported, not an error: the agent waits for it.
    /// </summary>
    public static async Task<string> ProbeIpfsDaemonAsync(AgentSettings settings, CancellationToken cancellationToken)
    {
        var options = KuboOptions(settings) with { RequestTimeout = TimeSpan.FromSeconds(3) };
        try
        {
            var daemon = await KuboTransport.ProbeAsync(options, cancellationToken).ConfigureAwait(false);
            return $"daemon: {daemon.Describe()}";
        }
        catch (KuboException ex)
        {
            return $"daemon not answering yet: {ex.Message}";
        }
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

    private static MqttTransportOptions MqttOptions(MqttSettings broker, string prefix, string clientId) => new()
    {
        Host = broker.Host,
        Port = broker.Port,
        Username = broker.Username,
        Password = broker.Password,
        TopicPrefix = prefix,
        ClientId = clientId,
    };
}
