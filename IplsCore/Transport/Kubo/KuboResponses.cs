using System.Text.Json.Serialization;

namespace IplsCore.Transport.Kubo;

// The JSON bodies of the Kubo RPC answers this client reads (shapes as in the Kubo RPC contract, §1).
// Lists may come as JSON null; the client turns those into empty lists.

/// <summary><c>id</c>: the daemon's peer id and what it speaks.</summary>
internal sealed record KuboIdentity(
    [property: JsonPropertyName("ID")] string Id,
    string? PublicKey,
    IReadOnlyList<string>? Addresses,
    string? AgentVersion,
    IReadOnlyList<string>? Protocols)
{
    /// <summary>A daemon lists the gossipsub (<c>/meshsub/…</c>) or floodsub protocols only while pubsub is on.</summary>
    public bool PubsubEnabled => Protocols?.Any(p => p.StartsWith("/meshsub/", StringComparison.Ordinal) || p.StartsWith("/floodsub/", StringComparison.Ordinal)) ?? false;
}

/// <summary><c>version</c> (js-ipfs has no <c>System</c> and <c>Golang</c>).</summary>
internal sealed record KuboVersion(string Version, string? Commit, string? Repo, string? System, string? Golang);

/// <summary><c>{"Strings":[…]}</c>: pubsub/ls, pubsub/peers, swarm/connect.</summary>
internal sealed record KuboStrings(IReadOnlyList<string>? Strings);

/// <summary><c>{"Peers":[…]}</c>: bootstrap/add and bootstrap/rm.</summary>
internal sealed record KuboBootstrapList(IReadOnlyList<string>? Peers);

/// <summary>One connection of <c>swarm/peers</c> (the other fields are not needed).</summary>
internal sealed record KuboSwarmPeer(string Addr, string Peer);

/// <summary><c>swarm/peers</c>.</summary>
internal sealed record KuboSwarmPeers(IReadOnlyList<KuboSwarmPeer>? Peers);

/// <summary><c>block/put</c>: the stored block's CID and size.</summary>
internal sealed record KuboBlockStat(string Key, long Size);

/// <summary>Kubo's error body, <c>{"Message":…,"Code":…,"Type":"error"}</c>.</summary>
internal sealed record KuboErrorBody(string? Message, int? Code, string? Type);

/// <summary>One line of a <c>pubsub/sub</c> stream, as sent (all fields optional; multibase except <c>from</c>).</summary>
internal sealed record KuboPubsubLine(
    [property: JsonPropertyName("from")] string? From,
    [property: JsonPropertyName("data")] string? Data,
    [property: JsonPropertyName("seqno")] string? Seqno,
    [property: JsonPropertyName("topicIDs")] IReadOnlyList<string>? TopicIds);
