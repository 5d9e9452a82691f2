using IplsCore.Persistence;
using IplsCore.Persistence.Reference;

namespace IplsCore.Tests.Persistence.Reference;

public class ReferenceParameterReaderTests
{
    private const string Source = "fixture_params";

    private static readonly double[] Values = [0.25, -1.2697582244873047, 1.1798930168151855, -0.0, 1e-300, -3.5e10, 42];

    public static TheoryData<string> Formats => ["guava", "array", "arraylist"];

    [Theory]
    [MemberData(nameof(Formats))]
    public void Read_EachSupportedFormat_ReturnsValuesExactly(string format)
    {
        double[] result = Read(Write(format, Values));

        Assert.Equal(Values.Select(BitConverter.DoubleToInt64Bits), result.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void Read_GuavaListWithSubRange_ReturnsOnlyStartToEnd()
    {
        double[] backing = [10, 11, 12, 13, 14, 15, 16, 17];

        double[] result = Read(JavaSerializationFixtureWriter.GuavaList(backing, 2, 6));

        Assert.Equal([12.0, 13, 14, 15], result);
    }

    [Fact]
    public void Read_NonFiniteOutsideSubRange_IsNotPartOfTheList()
    {
        double[] backing = [double.NaN, 1, 2, double.PositiveInfinity];

        double[] result = Read(JavaSerializationFixtureWriter.GuavaList(backing, 1, 3));

        Assert.Equal([1.0, 2], result);
    }

    [Theory]
    [InlineData(0, 9)]
    [InlineData(5, 4)]
    [InlineData(-1, 3)]
    public void Read_GuavaListWithInvalidRange_Throws(int start, int end)
    {
        byte[] bytes = JavaSerializationFixtureWriter.GuavaList([1, 2, 3, 4, 5, 6, 7, 8], start, end);

        ModelFormatException error = AssertFormatError(bytes);

        Assert.Contains($"start={start}, end={end}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Read_TruncatedAtEveryByte_ThrowsModelFormatExceptionNamingSource(string format)
    {
        byte[] bytes = Write(format, [1.5, -2.5, 3.25]);

        for (int length = 0; length < bytes.Length; length++)
        {
            ModelFormatException error = AssertFormatError(bytes[..length]);
            Assert.StartsWith(Source + ": ", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Read_TruncatedInsideDoubles_NamesByteAndMissingDouble()
    {
        byte[] bytes = JavaSerializationFixtureWriter.GuavaList([1, 2, 3, 4, 5]);
        int firstDouble = bytes.Length - (5 * 8);

        ModelFormatException error = AssertFormatError(bytes[..(firstDouble + 20)]);

        Assert.Equal(
            $"{Source}: truncated Java serialization stream at byte {firstDouble + 16} (expected 8-byte double #3 of 5)",
            error.Message);
    }

    [Fact]
    public void Read_WrongMagic_Throws()
    {
        byte[] bytes = JavaSerializationFixtureWriter.GuavaList([1, 2]);
        bytes[1] = 0xEE;

        ModelFormatException error = AssertFormatError(bytes);

        Assert.Contains("not a Java serialization stream", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WrongStreamVersion_Throws()
    {
        byte[] bytes = JavaSerializationFixtureWriter.GuavaList([1, 2]);
        bytes[3] = 4;

        ModelFormatException error = AssertFormatError(bytes);

        Assert.Contains("version 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WrongClassName_ThrowsNamingTheClass()
    {
        const string other = "org.nd4j.shade.guava.primitives.Floats$FloatArrayAsList";
        byte[] bytes = JavaSerializationFixtureWriter.GuavaList([1, 2], 0, 2, other);

        ModelFormatException error = AssertFormatError(bytes);

        Assert.Contains(other, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void Read_NonFiniteValue_ThrowsNamingIndex(double bad, string shown)
    {
        double[] values = [1, 2, 3, bad, 5];

        ModelFormatException error = AssertFormatError(JavaSerializationFixtureWriter.GuavaList(values));

        Assert.Equal($"{Source}: parameter at index 3 of 5 is {shown}; parameters must be finite", error.Message);
    }

    [Fact]
    public void Read_EmptyList_Throws()
    {
        ModelFormatException error = AssertFormatError(JavaSerializationFixtureWriter.GuavaList([]));

        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TrailingBytes_Throws()
    {
        byte[] bytes = [.. JavaSerializationFixtureWriter.GuavaList([1, 2]), 0x70];

        ModelFormatException error = AssertFormatError(bytes);

        Assert.Contains("1 trailing bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ScalerFile_ThrowsWithHint()
    {
        byte[] scaler = new ScalerFixture([0f], [1f]).ToBytes();

        ModelFormatException error = AssertFormatError(scaler);

        Assert.Contains("normalizer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RandomCorruption_OnlyEverThrowsModelFormatException()
    {
        CorruptionFuzz.AssertOnlyModelFormatException(JavaSerializationFixtureWriter.ArrayListOfDoubles([1, 2, 3, 4]), 1234, bytes => Read(bytes));
    }

    [Fact]
    public void ReadFile_TruncatedFile_MessageStartsWithFileName()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ad_ipls_params_{Guid.NewGuid():N}");
        byte[] bytes = JavaSerializationFixtureWriter.GuavaList([1, 2, 3]);
        File.WriteAllBytes(path, bytes[..^3]);
        try
        {
            ModelFormatException error = Assert.Throws<ModelFormatException>(() => ReferenceParameterReader.ReadFile(path));

            Assert.StartsWith(Path.GetFileName(path) + ": truncated", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void IsJavaSerialization_RecognisesOnlyTheJavaHeader()
    {
        Assert.True(ReferenceParameterReader.IsJavaSerialization(JavaSerializationFixtureWriter.GuavaList([1])));
        Assert.False(ReferenceParameterReader.IsJavaSerialization(new ScalerFixture([0f], [1f]).ToBytes()));
        Assert.False(ReferenceParameterReader.IsJavaSerialization([0xAC, 0xED, 0x00]));
    }

    private static byte[] Write(string format, double[] values) => format switch
    {
        "guava" => JavaSerializationFixtureWriter.GuavaList(values),
        "array" => JavaSerializationFixtureWriter.DoubleArray(values),
        "arraylist" => JavaSerializationFixtureWriter.ArrayListOfDoubles(values),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    private static double[] Read(byte[] bytes) => ReferenceParameterReader.Read(new MemoryStream(bytes), Source);

    private static ModelFormatException AssertFormatError(byte[] bytes)
    {
        ModelFormatException error = Assert.Throws<ModelFormatException>(() => Read(bytes));
        Assert.DoesNotContain('\n', error.Message);
        return error;
    }
}
