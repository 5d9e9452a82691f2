using System.Text.Json.Serialization;

namespace IplsCore.Ipls;

/// <summary>
/// A fleet member's role: a byte in the IPLS wire header, and <c>"peer"</c>/<c>"bootstrapper"</c> in
/// JSON (config, hub registrations and status reports).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<PeerRole>))]
public enum PeerRole : byte
{
    /// <summary>Trains on its vehicle's data, sends deltas, may own partitions.</summary>
    [JsonStringEnumMemberName("peer")]
    Peer = 0,

    /// <summary>Takes no training data and owns no partition; mirrors the full model and serves state transfer.</summary>
    [JsonStringEnumMemberName("bootstrapper")]
    Bootstrapper = 1,
}

/// <summary>The wire names of <see cref="PeerRole"/>, for text outside JSON (logs, pages, events).</summary>
public static class PeerRoleNames
{
    public const string Peer = "peer";
    public const string Bootstrapper = "bootstrapper";

    public static string Name(this PeerRole role) => role == PeerRole.Bootstrapper ? Bootstrapper : Peer;
}
