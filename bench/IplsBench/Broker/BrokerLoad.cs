namespace IplsBench.Broker;

/// <summary>The load one run offers: publishers, messages each, QoS, and how many QoS 1 publishes each keeps in flight.</summary>
internal sealed record BrokerLoad(int Publishers, int MessagesPerPublisher, int Qos, int Window)
{
    public long Total => (long)Publishers * MessagesPerPublisher;
}
