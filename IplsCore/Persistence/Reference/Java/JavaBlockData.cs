namespace IplsCore.Persistence.Reference.Java;

/// <summary>Raw bytes a writeObject method wrote with DataOutput calls (TC_BLOCKDATA / TC_BLOCKDATALONG).</summary>
internal sealed record JavaBlockData(byte[] Data);
