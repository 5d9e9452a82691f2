namespace IplsCore.Ipls.Wire;

/// <summary>
/// Who sent a message and when. (Sender, Incarnation, Sequence) is unique per message: the
/// incarnation grows with every start of the sender, the sequence with every message it sends,
/// which is what lets receivers drop replays.
/// </summary>
public readonly record struct MessageHeader(MessageType Type, string Sender, PeerRole Role, long Incarnation, long Sequence, long SentAtUnixMs);
