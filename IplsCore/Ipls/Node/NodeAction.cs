namespace IplsCore.Ipls.Node;

/// <summary>Something the protocol core asks its driver to do on the network; the core itself does no I/O.</summary>
public abstract record NodeAction;

/// <summary>Publish a message.</summary>
public sealed record PublishAction(string Topic, byte[] Payload) : NodeAction;

/// <summary>Subscribe to a topic (the driver ignores one it already has).</summary>
public sealed record SubscribeAction(string Topic) : NodeAction;

/// <summary>Drop a subscription.</summary>
public sealed record UnsubscribeAction(string Topic) : NodeAction;

/// <summary>Store a model snapshot; then call <see cref="IplsNode.OnContentStored"/> with the content id.</summary>
public sealed record StoreContentAction(long Nonce, byte[] Content) : NodeAction;

/// <summary>Fetch a model snapshot; then call <see cref="IplsNode.OnContentFetched"/> or <see cref="IplsNode.OnContentFetchFailed"/>.</summary>
public sealed record FetchContentAction(long Nonce, string ContentId) : NodeAction;
