namespace IplsCore.Persistence.Reference.Java;

/// <summary>Type codes of the Java Object Serialization Stream Protocol (java.io.ObjectStreamConstants).</summary>
internal static class JavaTypeCode
{
    public const byte Null = 0x70;
    public const byte Reference = 0x71;
    public const byte ClassDesc = 0x72;
    public const byte Object = 0x73;
    public const byte String = 0x74;
    public const byte Array = 0x75;
    public const byte Class = 0x76;
    public const byte BlockData = 0x77;
    public const byte EndBlockData = 0x78;
    public const byte Reset = 0x79;
    public const byte BlockDataLong = 0x7A;
    public const byte Exception = 0x7B;
    public const byte LongString = 0x7C;
    public const byte ProxyClassDesc = 0x7D;
    public const byte Enum = 0x7E;

    public static string Name(byte code) => code switch
    {
        Null => "TC_NULL",
        Reference => "TC_REFERENCE",
        ClassDesc => "TC_CLASSDESC",
        Object => "TC_OBJECT",
        String => "TC_STRING",
        Array => "TC_ARRAY",
        Class => "TC_CLASS",
        BlockData => "TC_BLOCKDATA",
        EndBlockData => "TC_ENDBLOCKDATA",
        Reset => "TC_RESET",
        BlockDataLong => "TC_BLOCKDATALONG",
        Exception => "TC_EXCEPTION",
        LongString => "TC_LONGSTRING",
        ProxyClassDesc => "TC_PROXYCLASSDESC",
        Enum => "TC_ENUM",
        _ => $"type code 0x{code:X2}",
    };
}
