using IplsCore.Persistence;
using IplsCore.Persistence.Reference;

namespace IplsCore.Tests.Persistence.Reference;

public class ReferenceScalerReaderTests
{
    private const string Source = "fixture_scaler";

    private static readonly ScalerFixture Basic = new([-1.5f, -2.25f, 0.5f], [3f, 2.75f, 8.125f]);

    [Fact]
    public void Read_FloatFixture_ReturnsMinMaxAndTargetRange()
    {
        ReferenceScaler scaler = Read((Basic with { TargetMin = -1, TargetMax = 2 }).ToBytes());

        Assert.Equal(Basic.Min, scaler.Min);
        Assert.Equal(Basic.Max, scaler.Max);
        Assert.Equal(-1, scaler.TargetMin);
        Assert.Equal(2, scaler.TargetMax);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Read_DoubleOrLegacyIntShapeBuffers_ReturnsSameValues(bool asDoubles, bool legacy)
    {
        ReferenceScaler scaler = Read((Basic with { AsDoubles = asDoubles, LegacyIntShape = legacy }).ToBytes());

        Assert.Equal(Basic.Min, scaler.Min);
        Assert.Equal(Basic.Max, scaler.Max);
    }

    [Fact]
    public void Read_RankOneShape_ReturnsValues()
    {
        ReferenceScaler scaler = Read((Basic with { Shape = [3] }).ToBytes());

        Assert.Equal(Basic.Max, scaler.Max);
    }

    [Fact]
    public void Read_MatrixShape_Throws()
    {
        var fixture = new ScalerFixture([0f, 0f, 0f, 0f], [1f, 1f, 1f, 1f]) { Shape = [2, 2] };

        ModelFormatException error = AssertFormatError(fixture.ToBytes());

        Assert.Contains("shape [2, 2], expected a vector", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FitLabelTrue_ParsesOverLabelArraysAndReturnsFeatures()
    {
        ScalerFixture fixture = Basic with { LabelMin = [0f, 10f], LabelMax = [1f, 20f] };

        ReferenceScaler scaler = Read(fixture.ToBytes());

        Assert.Equal(Basic.Min, scaler.Min);
        Assert.Equal(Basic.Max, scaler.Max);
    }

    [Fact]
    public void Read_FitLabelTrueWithMismatchedLabelLengths_Throws()
    {
        ScalerFixture fixture = Basic with { LabelMin = [0f, 10f], LabelMax = [1f] };

        ModelFormatException error = AssertFormatError(fixture.ToBytes());

        Assert.Contains("label min has 2 values but label max has 1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2f, 2f)]
    [InlineData(3f, 2f)]
    public void Read_MinNotBelowMax_Throws(float min, float max)
    {
        var fixture = new ScalerFixture([0f, min], [1f, max]);

        ModelFormatException error = AssertFormatError(fixture.ToBytes());

        Assert.Equal($"{Source}: feature 1 has min {min} >= max {max}", error.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.NegativeInfinity)]
    public void Read_NonFiniteMin_Throws(float bad)
    {
        var fixture = new ScalerFixture([0f, 0f, bad], [1f, 1f, 1f]);

        ModelFormatException error = AssertFormatError(fixture.ToBytes());

        Assert.Contains("feature 2 has non-finite range", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MismatchedFeatureLengths_Throws()
    {
        ModelFormatException error = AssertFormatError(new ScalerFixture([0f, 0f], [1f, 1f, 1f]).ToBytes());

        Assert.Contains("feature min has 2 values but feature max has 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_InvertedTargetRange_Throws()
    {
        ModelFormatException error = AssertFormatError((Basic with { TargetMin = 1, TargetMax = 0 }).ToBytes());

        Assert.Contains("invalid target range", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WrongHeader_Throws()
    {
        ModelFormatException error = AssertFormatError((Basic with { Header = "NORMALISER" }).ToBytes());

        Assert.Contains("not an ND4J normalizer file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OtherNormalizerType_Throws()
    {
        ModelFormatException error = AssertFormatError((Basic with { Type = "STANDARDIZE" }).ToBytes());

        Assert.Contains("\"STANDARDIZE\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OtherVersion_Throws()
    {
        ModelFormatException error = AssertFormatError((Basic with { Version = 2 }).ToBytes());

        Assert.Contains("version 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ParameterFile_ThrowsWithHint()
    {
        ModelFormatException error = AssertFormatError(JavaSerializationFixtureWriter.GuavaList([1, 2]));

        Assert.Contains("Java serialization stream", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_TruncatedAtEveryByte_ThrowsModelFormatExceptionNamingSource(bool fitLabel)
    {
        ScalerFixture fixture = fitLabel ? Basic with { LabelMin = [0f], LabelMax = [1f] } : Basic;
        byte[] bytes = fixture.ToBytes();

        for (int length = 0; length < bytes.Length; length++)
        {
            ModelFormatException error = AssertFormatError(bytes[..length]);
            Assert.StartsWith(Source + ": ", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Read_TruncatedInsideValues_NamesByteAndMissingFloat()
    {
        byte[] bytes = Basic.ToBytes();
        int firstMaxValue = bytes.Length - (3 * 4);

        ModelFormatException error = AssertFormatError(bytes[..(firstMaxValue + 6)]);

        Assert.Equal(
            $"{Source}: truncated ND4J normalizer file at byte {firstMaxValue + 4} (expected 4-byte float of feature max #2 of 3)",
            error.Message);
    }

    [Fact]
    public void Read_TrailingBytes_Throws()
    {
        ModelFormatException error = AssertFormatError([.. Basic.ToBytes(), 0]);

        Assert.Contains("trailing bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RandomCorruption_OnlyEverThrowsModelFormatException()
    {
        CorruptionFuzz.AssertOnlyModelFormatException((Basic with { LabelMin = [0f], LabelMax = [1f] }).ToBytes(), 4321, bytes => Read(bytes));
    }

    [Fact]
    public void IsNd4jNormalizer_RecognisesOnlyTheNormalizerHeader()
    {
        Assert.True(ReferenceScalerReader.IsNd4jNormalizer(Basic.ToBytes()));
        Assert.False(ReferenceScalerReader.IsNd4jNormalizer(JavaSerializationFixtureWriter.GuavaList([1])));
        Assert.False(ReferenceScalerReader.IsNd4jNormalizer("\0\nNORMALIZE"u8));
    }

    private static ReferenceScaler Read(byte[] bytes) => ReferenceScalerReader.Read(new MemoryStream(bytes), Source);

    private static ModelFormatException AssertFormatError(byte[] bytes)
    {
        ModelFormatException error = Assert.Throws<ModelFormatException>(() => Read(bytes));
        Assert.DoesNotContain('\n', error.Message);
        return error;
    }
}
