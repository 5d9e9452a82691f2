namespace IplsCore.Persistence.Reference.Java;

/// <summary>A class descriptor from the stream (TC_CLASSDESC), with its superclass chain.</summary>
internal sealed record JavaClassDesc(
    string Name,
    long SerialVersionUid,
    byte Flags,
    IReadOnlyList<JavaFieldDesc> Fields,
    JavaClassDesc? SuperClass)
{
    public const byte WriteMethodFlag = 0x01;
    public const byte SerializableFlag = 0x02;
    public const byte ExternalizableFlag = 0x04;
    public const byte BlockDataFlag = 0x08;

    public bool HasWriteMethod => (Flags & WriteMethodFlag) != 0;

    public bool IsExternalizable => (Flags & ExternalizableFlag) != 0;

    public bool UsesBlockData => (Flags & BlockDataFlag) != 0;

    /// <summary>The chain from the topmost superclass down to this class: the order class data is written in.</summary>
    public IReadOnlyList<JavaClassDesc> Hierarchy()
    {
        var chain = new List<JavaClassDesc>();
        for (JavaClassDesc? desc = this; desc is not null; desc = desc.SuperClass)
        {
            chain.Add(desc);
        }

        chain.Reverse();
        return chain;
    }
}
