namespace IplsCore.Ipls.Wire;

public enum MessageType : byte
{
    Heartbeat = 1,
    Leave = 2,
    Delta = 3,
    PartitionUpdate = 4,
    StateRequest = 5,
    StateOffer = 6,
}
