namespace IplsCore.Tests.Transport.Kubo;

/// <summary>Which daemon the fake answers as.</summary>
public enum FakeIpfsDialect
{
    /// <summary>Kubo as the contract describes it (docs: kubo-rpc-contract.md).</summary>
    Kubo,

    /// <summary>
    /// js-ipfs 0.66.1 (ipfs-core 0.18.1) where it differs: <c>block/put</c> honours only <c>format</c>
    /// (default dag-pb CIDv0); <c>pubsub/sub</c> opens with <c>{}</c> and adds <c>key</c> and <c>signature</c>;
    /// a publish nobody else subscribes to is a 500 <c>PublishError.InsufficientPeers</c>; refused
    /// requests are JSON errors (Code 1), not plain text; <c>version</c> has no System/Golang; <c>id</c>
    /// says <c>js-ipfs/…</c>; empty lists are <c>[]</c>, not null; <c>swarm/peers</c> has no Identify.
    /// </summary>
    JsIpfs,
}
