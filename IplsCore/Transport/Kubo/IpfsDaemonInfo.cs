using System.Globalization;

namespace IplsCore.Transport.Kubo;

/// <summary>Which IPFS implementation serves the RPC API. The transport is written to Kubo's contract; js-ipfs speaks a dialect of it.</summary>
public enum IpfsImplementation
{
    /// <summary>Kubo (formerly go-ipfs), the production target.</summary>
    Kubo,

    /// <summary>js-ipfs (ipfs-core 0.18 is the last), used for tests and CI where Kubo cannot be installed.</summary>
    JsIpfs,

    /// <summary>Something else that answers the same API.</summary>
    Other,
}

/// <summary>
/// What a daemon says about itself (<c>version</c> and <c>id</c>): implementation, version, peer id
/// and whether pubsub is on. The implementation comes from <c>id</c>'s <c>AgentVersion</c>
/// (<c>kubo/0.41.0</c>, <c>go-ipfs/0.10.0</c>, <c>js-ipfs/0.18.1</c>).
/// </summary>
public sealed record IpfsDaemonInfo(IpfsImplementation Implementation, string Version, string AgentVersion, string PeerId, bool PubsubEnabled)
{
    internal static IpfsDaemonInfo From(KuboVersion version, KuboIdentity identity)
    {
        string agent = identity.AgentVersion ?? string.Empty;
        var implementation =
            agent.StartsWith("kubo/", StringComparison.Ordinal) || agent.StartsWith("go-ipfs/", StringComparison.Ordinal) || version.Golang is { Length: > 0 }
                ? IpfsImplementation.Kubo
                : agent.StartsWith("js-ipfs/", StringComparison.Ordinal) ? IpfsImplementation.JsIpfs : IpfsImplementation.Other;
        return new IpfsDaemonInfo(implementation, version.Version, agent, identity.Id, identity.PubsubEnabled);
    }

    /// <summary>
    /// Kubo before 0.11 used another pubsub wire format (plain topics, base64 fields, data as an argument).
    /// js-ipfs' RPC server speaks the multibase format in every version that has pubsub over HTTP.
    /// </summary>
    public bool HasMultibasePubsub
    {
        get
        {
            if (Implementation != IpfsImplementation.Kubo)
            {
                return true;
            }

            string[] parts = Version.Split('.', '-');
            return parts.Length >= 2
                && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int minor)
                && (major > 0 || minor >= 11);
        }
    }

    public string ImplementationName => Implementation switch
    {
        IpfsImplementation.Kubo => "Kubo",
        IpfsImplementation.JsIpfs => "js-ipfs",
        _ => AgentVersion.Length > 0 ? AgentVersion : "unknown IPFS daemon",
    };

    /// <summary>One line for logs, <c>run --check</c> and the agent status: <c>js-ipfs 0.18.1, pubsub on</c>.</summary>
    public string Describe() => $"{ImplementationName} {Version}, pubsub {(PubsubEnabled ? "on" : "OFF")}";
}
