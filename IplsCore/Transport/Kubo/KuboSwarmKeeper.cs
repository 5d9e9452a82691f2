using IplsCore.Logging;
using Microsoft.Extensions.Logging;

namespace IplsCore.Transport.Kubo;

/// <summary>
/// Keeps the daemon connected to the bootstrappers. In a small private swarm pubsub peers find each
/// other only through such explicit links (DHT rendezvous backs off for up to an hour), and a link
/// lost to a restart is not always redialled, so it is checked periodically and redialled when missing.
/// </summary>
internal sealed partial class KuboSwarmKeeper(KuboClient client, IReadOnlyList<string> bootstrappers, RateLimiter logLimit, ILogger logger)
{
    private bool _addedToConfig;
    private int _connects;

    /// <summary>Connections made since the start (first ones included).</summary>
    public int Connects => Volatile.Read(ref _connects);

    /// <summary>Adds the bootstrappers to the daemon's bootstrap list once (retried on the next check until it works).</summary>
    public async Task AddToBootstrapListAsync(string selfId, CancellationToken cancellationToken)
    {
        var peers = Others(selfId);
        if (_addedToConfig || peers.Count == 0)
        {
            return;
        }

        try
        {
            var added = await client.BootstrapAddAsync(peers, cancellationToken).ConfigureAwait(false);
            _addedToConfig = true;
            LogBootstrapAdded(added.Count, peers.Count);
        }
        catch (KuboException ex)
        {
            if (logLimit.TryAcquire("bootstrap-add", out long suppressed))
            {
                LogBootstrapAddFailed(ex.Message, suppressed);
            }
        }
    }

    /// <summary>Dials every bootstrapper the daemon is not connected to.</summary>
    public async Task EnsureConnectedAsync(string selfId, CancellationToken cancellationToken)
    {
        var peers = Others(selfId);
        if (peers.Count == 0)
        {
            return;
        }

        var connected = (await client.SwarmPeersAsync(cancellationToken).ConfigureAwait(false)).Select(p => p.Peer).ToHashSet(StringComparer.Ordinal);
        foreach (string peer in peers)
        {
            string id = KuboPeerAddress.PeerId(peer)!;
            if (connected.Contains(id))
            {
                continue;
            }

            try
            {
                await client.SwarmConnectAsync(peer, cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _connects);
                LogConnected(peer);
            }
            catch (KuboException ex)
            {
                // The bootstrapper may be down (a dial can outlast our request timeout); the next check tries again.
                if (logLimit.TryAcquire("swarm-connect:" + id, out long suppressed))
                {
                    LogConnectFailed(peer, ex.KuboMessage.Length > 0 ? ex.KuboMessage : ex.Message, suppressed);
                }
            }
        }
    }

    private List<string> Others(string selfId) =>
        [.. bootstrappers.Where(b => !string.Equals(KuboPeerAddress.PeerId(b), selfId, StringComparison.Ordinal))];

    [LoggerMessage(EventId = 1121, Level = LogLevel.Information, Message = "Kubo swarm: connected to bootstrapper {Peer}")]
    private partial void LogConnected(string peer);

    [LoggerMessage(EventId = 1122, Level = LogLevel.Warning, Message = "Kubo swarm: cannot connect to bootstrapper {Peer}: {Error} ({Suppressed} similar lines held back)")]
    private partial void LogConnectFailed(string peer, string error, long suppressed);

    [LoggerMessage(EventId = 1123, Level = LogLevel.Information, Message = "Kubo bootstrap list: {Added} of {Count} bootstrappers added")]
    private partial void LogBootstrapAdded(int added, int count);

    [LoggerMessage(EventId = 1124, Level = LogLevel.Warning, Message = "Kubo bootstrap list: adding the bootstrappers failed: {Error} ({Suppressed} similar lines held back)")]
    private partial void LogBootstrapAddFailed(string error, long suppressed);
}
