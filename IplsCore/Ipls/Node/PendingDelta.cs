namespace IplsCore.Ipls.Node;

/// <summary>A validated delta an owner holds until it aggregates.</summary>
internal sealed record PendingDelta(ulong Id, string Sender, long BaseVersion, int Samples, int Round, float[] Delta, DateTimeOffset ReceivedAt);
