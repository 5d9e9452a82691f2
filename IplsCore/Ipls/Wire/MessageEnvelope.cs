namespace IplsCore.Ipls.Wire;

/// <summary>A decoded, authenticated message.</summary>
public sealed record MessageEnvelope(MessageHeader Header, MessageBody Body);
