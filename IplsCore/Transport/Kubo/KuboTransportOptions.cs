using IplsCore.Configuration;

namespace IplsCore.Transport.Kubo;

/// <summary>Where the Kubo daemon's RPC API is and how the transport uses it. Defaults suit a local daemon.</summary>
public sealed record KuboTransportOptions
{
    /// <summary>The RPC API base (see <see cref="KuboApiAddress"/> to make it from a multiaddr).</summary>
    public Uri ApiUri { get; init; } = new("http://127.0.0.1:5001/");

    /// <summary>Prepended to every pubsub topic, so IPLS traffic stays apart from anything else on the IPFS network.</summary>
    public string TopicPrefix { get; init; } = "ipls/";

    /// <summary>Peers to stay connected to, as <c>…/p2p/&lt;peer id&gt;</c> multiaddrs (see <see cref="KuboPeerAddress"/>).</summary>
    public IReadOnlyList<string> Bootstrappers { get; init; } = [];

    /// <summary>Also add <see cref="Bootstrappers"/> to the daemon's bootstrap list (its config), so it reconnects by itself after a restart.</summary>
    public bool AddBootstrappersToConfig { get; init; } = true;

    /// <summary>How long one RPC call may take before the daemon counts as not answering.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long publish, content put and subscribe keep trying while the daemon is unreachable.</summary>
    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long Kubo may search the network for a block (its <c>timeout</c> parameter).</summary>
    public TimeSpan ContentTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often swarm connections to the bootstrappers and the daemon's subscription list are checked.</summary>
    public TimeSpan MaintenanceInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a publish answered with Kubo's <c>validation ignored</c> is sent again.</summary>
    public int ValidationIgnoredRetries { get; init; } = 5;

    /// <summary>Well under pubsub's 1 MiB message limit: gossipsub silently drops bigger RPCs on the wire.</summary>
    public int MaxPayloadBytes { get; init; } = 256 * 1024;

    /// <summary>Incoming messages held for the consumer before new ones are dropped (and counted).</summary>
    public int ReceiveQueueCapacity { get; init; } = 4096;

    public void Validate()
    {
        if (ApiUri is null || !ApiUri.IsAbsoluteUri || (ApiUri.Scheme != Uri.UriSchemeHttp && ApiUri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ConfigurationException(nameof(ApiUri), ApiUri, "must be an absolute http:// or https:// URI of the Kubo RPC API");
        }

        ArgumentNullException.ThrowIfNull(TopicPrefix);
        ArgumentNullException.ThrowIfNull(Bootstrappers);
        foreach (string peer in Bootstrappers)
        {
            if (KuboPeerAddress.PeerId(peer) is not { } id || !KuboPeerAddress.IsPeerId(id))
            {
                throw new ConfigurationException(nameof(Bootstrappers), peer, "must end in /p2p/<peer id>");
            }
        }

        if (RequestTimeout <= TimeSpan.Zero || PublishTimeout <= TimeSpan.Zero || ContentTimeout <= TimeSpan.Zero || MaintenanceInterval <= TimeSpan.Zero
            || ReconnectMinDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectMinDelay)
        {
            throw new ConfigurationException(nameof(PublishTimeout), PublishTimeout, "timeouts, intervals and delays must be positive, ReconnectMaxDelay ≥ ReconnectMinDelay");
        }

        if (ValidationIgnoredRetries is < 0 or > 100)
        {
            throw new ConfigurationException(nameof(ValidationIgnoredRetries), ValidationIgnoredRetries, "must be between 0 and 100");
        }

        if (MaxPayloadBytes is < 1024 or > 512 * 1024)
        {
            throw new ConfigurationException(nameof(MaxPayloadBytes), MaxPayloadBytes, "must be between 1 KiB and 512 KiB (pubsub drops messages near 1 MiB)");
        }

        if (ReceiveQueueCapacity < 16)
        {
            throw new ConfigurationException(nameof(ReceiveQueueCapacity), ReceiveQueueCapacity, "must be at least 16");
        }
    }
}
