namespace IplsCore.Transport;

/// <summary>One message received on a subscribed topic (topic without the transport's prefix).</summary>
public readonly record struct TransportMessage(string Topic, byte[] Payload);
