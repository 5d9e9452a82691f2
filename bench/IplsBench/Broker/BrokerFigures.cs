namespace IplsBench.Broker;

/// <summary>One broker under one load: 8 publishers → 1 subscriber on <c>vehicle/#</c>.</summary>
internal sealed record BrokerFigures
{
    public required string Broker { get; init; }

    public required int Qos { get; init; }

    public required int Publishers { get; init; }

    public required int PayloadBytes { get; init; }

    public required long Sent { get; init; }

    /// <summary>Distinct messages the subscriber got (duplicates of QoS 1 redeliveries are not counted twice).</summary>
    public required long Received { get; init; }

    public required long Duplicates { get; init; }

    public long Lost => Sent - Received;

    /// <summary>Received messages per second, from the first publish to the last delivery.</summary>
    public required double MessagesPerSecond { get; init; }

    public required double LatencyP50Ms { get; init; }

    public required double LatencyP99Ms { get; init; }

    public required double Seconds { get; init; }

    /// <summary>Embedded broker only: publishes its flow control made wait.</summary>
    public long? HeldPublishes { get; init; }

    /// <summary>Embedded broker only: messages it dropped for a full subscriber queue.</summary>
    public long? BrokerDropped { get; init; }
}
