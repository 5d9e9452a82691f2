namespace IplsCore.Transport.Simulation;

/// <summary>Traffic of one simulated node.</summary>
public sealed class SimulatedNodeStats
{
    public long MessagesSent { get; internal set; }

    public long BytesSent { get; internal set; }

    public long MessagesReceived { get; internal set; }

    public long BytesReceived { get; internal set; }

    public long DroppedByLoss { get; internal set; }

    public long DroppedBySplit { get; internal set; }

    public long DroppedWhileDown { get; internal set; }

    public long Duplicated { get; internal set; }
}
