namespace IplsCore.Tests.Persistence.Reference;

/// <summary>
/// Writes Java Object Serialization streams byte for byte as ObjectOutputStream does for the few shapes
/// the reference parameter reader accepts. Handles are numbered from 0x7E0000 in the order Java assigns them.
/// </summary>
internal static class JavaSerializationFixtureWriter
{
    public const string GuavaListClass = "org.nd4j.shade.guava.primitives.Doubles$DoubleArrayAsList";

    private const byte TcNull = 0x70;
    private const byte TcReference = 0x71;
    private const byte TcClassDesc = 0x72;
    private const byte TcObject = 0x73;
    private const byte TcString = 0x74;
    private const byte TcArray = 0x75;
    private const byte TcBlockData = 0x77;
    private const byte TcEndBlockData = 0x78;
    private const byte Serializable = 0x02;
    private const byte WriteMethod = 0x01;
    private const int BaseHandle = 0x7E0000;

    private const long DoubleArrayUid = 0x3EA68C14AB635A1E;
    private const long ArrayListUid = 0x7881D21D99C7619D;
    private const long DoubleUid = unchecked((long)0x80B3C24A296BFB04);
    private const long NumberUid = unchecked((long)0x86AC951D0B94E08B);

    /// <summary>A Guava Doubles$DoubleArrayAsList over the whole array, as the reference system writes it.</summary>
    public static byte[] GuavaList(double[] values) => GuavaList(values, 0, values.Length);

    /// <summary>A Guava list viewing array[start..end); the class name can be changed to test rejection.</summary>
    public static byte[] GuavaList(double[] array, int start, int end, string className = GuavaListClass)
    {
        BigEndianWriter writer = Header();
        writer.Byte(TcObject)
            .Byte(TcClassDesc).Utf(className).Int64(0).Byte(Serializable)
            .UInt16(3)
            .Byte((byte)'I').Utf("end")
            .Byte((byte)'I').Utf("start")
            .Byte((byte)'[').Utf("array").Byte(TcString).Utf("[D")
            .Byte(TcEndBlockData)
            .Byte(TcNull);

        // Field values follow descriptor order: primitives (sorted by name), then objects.
        writer.Int32(end).Int32(start);
        WriteDoubleArrayBody(writer, array);
        return writer.ToArray();
    }

    /// <summary>A bare double[] as the top-level object.</summary>
    public static byte[] DoubleArray(double[] values)
    {
        BigEndianWriter writer = Header();
        WriteDoubleArrayBody(writer, values);
        return writer.ToArray();
    }

    /// <summary>A java.util.ArrayList of java.lang.Double; every Double after the first refers back to the class descriptor.</summary>
    public static byte[] ArrayListOfDoubles(double[] values)
    {
        BigEndianWriter writer = Header();
        int nextHandle = BaseHandle;
        writer.Byte(TcObject)
            .Byte(TcClassDesc).Utf("java.util.ArrayList").Int64(ArrayListUid).Byte(Serializable | WriteMethod)
            .UInt16(1).Byte((byte)'I').Utf("size")
            .Byte(TcEndBlockData)
            .Byte(TcNull);
        nextHandle += 2; // ArrayList class descriptor, the list itself

        // ArrayList.writeObject: default fields (size), then the capacity as block data, then the elements.
        writer.Int32(values.Length);
        writer.Byte(TcBlockData).Byte(4).Int32(values.Length);

        int doubleDescHandle = -1;
        foreach (double value in values)
        {
            writer.Byte(TcObject);
            if (doubleDescHandle < 0)
            {
                doubleDescHandle = nextHandle;
                writer.Byte(TcClassDesc).Utf("java.lang.Double").Int64(DoubleUid).Byte(Serializable)
                    .UInt16(1).Byte((byte)'D').Utf("value")
                    .Byte(TcEndBlockData)
                    .Byte(TcClassDesc).Utf("java.lang.Number").Int64(NumberUid).Byte(Serializable)
                    .UInt16(0)
                    .Byte(TcEndBlockData)
                    .Byte(TcNull);
                nextHandle += 2; // Double and Number class descriptors
            }
            else
            {
                writer.Byte(TcReference).Int32(doubleDescHandle);
            }

            nextHandle++; // the Double object
            writer.Double(value);
        }

        writer.Byte(TcEndBlockData);
        return writer.ToArray();
    }

    private static BigEndianWriter Header() => new BigEndianWriter().UInt16(0xACED).UInt16(5);

    private static void WriteDoubleArrayBody(BigEndianWriter writer, double[] values)
    {
        writer.Byte(TcArray)
            .Byte(TcClassDesc).Utf("[D").Int64(DoubleArrayUid).Byte(Serializable)
            .UInt16(0)
            .Byte(TcEndBlockData)
            .Byte(TcNull)
            .Int32(values.Length);
        foreach (double value in values)
        {
            writer.Double(value);
        }
    }
}
