namespace IplsCore.Tests.Persistence.Reference;

/// <summary>
/// Writes ND4J NormalizerSerializer files for a NormalizerMinMaxScaler byte for byte as ND4J does
/// (NormalizerSerializer.write → MinMaxSerializerStrategy.write → Nd4j.write for each array).
/// </summary>
internal static class Nd4jNormalizerFixtureWriter
{
    // ND4J ArrayOptions data-type bits stored in the shape info "extras" slot.
    private const long FloatTypeFlag = 8192;
    private const long DoubleTypeFlag = 16384;

    public static byte[] Write(ScalerFixture fixture)
    {
        bool fitLabel = fixture.LabelMin is not null || fixture.LabelMax is not null;
        var writer = new BigEndianWriter()
            .Utf(fixture.Header)
            .Int32(fixture.Version)
            .Utf(fixture.Type)
            .Boolean(fitLabel)
            .Double(fixture.TargetMin)
            .Double(fixture.TargetMax);
        WriteArray(writer, fixture.Min, fixture);
        WriteArray(writer, fixture.Max, fixture);
        if (fitLabel)
        {
            WriteArray(writer, fixture.LabelMin ?? [], fixture);
            WriteArray(writer, fixture.LabelMax ?? [], fixture);
        }

        return writer.ToArray();
    }

    private static void WriteArray(BigEndianWriter writer, float[] values, ScalerFixture fixture)
    {
        long[] shape = fixture.Shape ?? [1, values.Length];

        // ND4J gives row vectors unit strides; other shapes get c-order strides.
        long[] strides = new long[shape.Length];
        long stride = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = shape.Length == 2 && shape[0] == 1 ? 1 : stride;
            stride *= shape[i];
        }

        long[] shapeInfo = [shape.Length, .. shape, .. strides, fixture.AsDoubles ? DoubleTypeFlag : FloatTypeFlag, 1, 'c'];
        WriteBufferHeader(writer, shapeInfo.Length, fixture.LegacyIntShape ? "INT" : "LONG", fixture.LegacyIntShape);
        foreach (long value in shapeInfo)
        {
            if (fixture.LegacyIntShape)
            {
                writer.Int32(checked((int)value));
            }
            else
            {
                writer.Int64(value);
            }
        }

        WriteBufferHeader(writer, values.Length, fixture.AsDoubles ? "DOUBLE" : "FLOAT", fixture.LegacyIntShape);
        foreach (float value in values)
        {
            if (fixture.AsDoubles)
            {
                writer.Double(value);
            }
            else
            {
                writer.Single(value);
            }
        }
    }

    private static void WriteBufferHeader(BigEndianWriter writer, long length, string dataType, bool legacy)
    {
        if (legacy)
        {
            writer.Utf("JAVACPP").Int32(checked((int)length));
        }
        else
        {
            writer.Utf("MIXED_DATA_TYPES").Int64(length);
        }

        writer.Utf(dataType);
    }
}
