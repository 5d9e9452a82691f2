using System.Buffers.Binary;

namespace IplsCore.Persistence.Reference.Nd4j;

/// <summary>
/// Reads one array written by ND4J's Nd4j.write(INDArray, DataOutputStream): the shape-info buffer, then the
/// data buffer. Each buffer is [allocation mode UTF][length: int for HEAP/JAVACPP/DIRECT, long otherwise]
/// [data type UTF][elements, big-endian]. Shape info is [rank, shape…, stride…, extras, elementWiseStride, order].
/// </summary>
internal static class Nd4jArrayReader
{
    private const int MaxRank = 32;
    private const long OrderC = 'c';
    private const long OrderF = 'f';

    /// <summary>Reads a FLOAT or DOUBLE array that is a vector (at most one dimension above 1) and returns its values.</summary>
    public static float[] ReadVector(BigEndianCursor cursor, string what)
    {
        int shapeAt = cursor.Position;
        long[] shapeInfo = ReadShapeInfo(cursor, what);
        int rank = (int)shapeInfo[0];
        ReadOnlySpan<long> shape = shapeInfo.AsSpan(1, rank);
        long order = shapeInfo[^1];
        if (order is not (OrderC or OrderF))
        {
            throw cursor.Error($"{what} has invalid array order {order} in its shape info at byte {shapeAt} (expected 99 'c' or 102 'f')");
        }

        long elementCount = 1;
        int dimensionsAboveOne = 0;
        foreach (long dimension in shape)
        {
            if (dimension < 0 || dimension > int.MaxValue)
            {
                throw cursor.Error($"{what} has invalid dimension {dimension} in shape {Format(shape)}");
            }

            elementCount *= dimension;
            dimensionsAboveOne += dimension > 1 ? 1 : 0;
            if (elementCount > int.MaxValue)
            {
                throw cursor.Error($"{what} shape {Format(shape)} is too large");
            }
        }

        // Min/max statistics are vectors; with one non-trivial dimension the c/f order cannot change the element order.
        if (dimensionsAboveOne > 1)
        {
            throw cursor.Error($"{what} has shape {Format(shape)}, expected a vector");
        }

        int dataAt = cursor.Position;
        (long length, string dataType) = ReadBufferHeader(cursor, $"{what} data buffer");
        if (length != elementCount)
        {
            throw cursor.Error($"{what} data buffer at byte {dataAt} holds {length} elements but shape {Format(shape)} needs {elementCount}");
        }

        return dataType switch
        {
            "FLOAT" => cursor.ReadArray((int)length, 4, $"float of {what}", BinaryPrimitives.ReadSingleBigEndian),
            "DOUBLE" => Array.ConvertAll(
                cursor.ReadArray((int)length, 8, $"double of {what}", BinaryPrimitives.ReadDoubleBigEndian),
                value => (float)value),
            _ => throw cursor.Error($"{what} has unsupported data type {MessageText.Quote(dataType)} at byte {dataAt} (expected FLOAT or DOUBLE)"),
        };
    }

    private static long[] ReadShapeInfo(BigEndianCursor cursor, string what)
    {
        int at = cursor.Position;
        (long length, string dataType) = ReadBufferHeader(cursor, $"{what} shape info");
        if (length < 4 || length > (2 * MaxRank) + 4)
        {
            throw cursor.Error($"{what} shape info at byte {at} has invalid length {length}");
        }

        // Older ND4J wrote shape info as INT, newer as LONG.
        long[] shapeInfo = dataType switch
        {
            "LONG" => cursor.ReadArray((int)length, 8, $"long of {what} shape info", BinaryPrimitives.ReadInt64BigEndian),
            "INT" => Array.ConvertAll(
                cursor.ReadArray((int)length, 4, $"int of {what} shape info", BinaryPrimitives.ReadInt32BigEndian),
                value => (long)value),
            _ => throw cursor.Error($"{what} shape info at byte {at} has data type {MessageText.Quote(dataType)}, expected LONG or INT"),
        };

        long rank = shapeInfo[0];
        if (rank < 0 || rank > MaxRank || length != (2 * rank) + 4)
        {
            throw cursor.Error($"{what} shape info at byte {at} has rank {rank}, which does not fit its length {length}");
        }

        return shapeInfo;
    }

    private static (long Length, string DataType) ReadBufferHeader(BigEndianCursor cursor, string what)
    {
        int at = cursor.Position;
        string allocationMode = cursor.ReadModifiedUtf8($"{what} allocation mode");
        long length = allocationMode switch
        {
            "HEAP" or "JAVACPP" or "DIRECT" => cursor.ReadInt32($"int length of {what}"),
            "LONG_SHAPE" or "MIXED_DATA_TYPES" => cursor.ReadInt64($"long length of {what}"),
            _ => throw cursor.Error($"{what} at byte {at} has unknown ND4J allocation mode {MessageText.Quote(allocationMode)}"),
        };

        if (length < 0)
        {
            throw cursor.Error($"{what} at byte {at} has negative length {length}");
        }

        string dataType = cursor.ReadModifiedUtf8($"{what} data type");
        return (length, dataType);
    }

    private static string Format(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
