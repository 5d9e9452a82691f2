using IplsCore.Engine;
using IplsCore.Persistence;
using IplsCore.Scaling;

namespace IplsCore.Tests.Scaling;

public class MinMaxScalerTests
{
    [Fact]
    public void Fit_FindsPerFeatureRange_AndTransformMapsItToUnitInterval()
    {
        float[] rows = [1f, -2f, 3f, 6f, 0f, 4f];
        var scaler = MinMaxScaler.Fit(rows, 2);

        Assert.Equal([0f, -2f], scaler.Min.ToArray());
        Assert.Equal([3f, 6f], scaler.Max.ToArray());
        var scaled = new float[6];
        scaler.Transform(rows, scaled);
        Assert.Equal([1f / 3f, 0f, 1f, 1f, 0f, 0.75f], scaled);
    }

    [Fact]
    public void Transform_OutsideFittedRange_GoesOutsideUnitInterval()
    {
        var scaler = new MinMaxScaler([0f], [2f]);
        var scaled = new float[2];

        scaler.Transform([4f, -1f], scaled);

        Assert.Equal([2f, -0.5f], scaled);
    }

    [Fact]
    public void Fit_ConstantFeature_GetsUnitRangeInsteadOfDividingByZero()
    {
        var scaler = MinMaxScaler.Fit([5f, 5f, 5f], 1);
        var scaled = new float[1];

        scaler.Transform([5f], scaled);

        Assert.Equal(0.5f, scaled[0]);
    }

    [Fact]
    public void Union_CoversBothRanges()
    {
        var a = new MinMaxScaler([0f, 0f], [1f, 1f]);
        var b = new MinMaxScaler([-1f, 0.5f], [0.5f, 3f]);

        var u = a.Union(b);

        Assert.Equal([-1f, 0f], u.Min.ToArray());
        Assert.Equal([1f, 3f], u.Max.ToArray());
    }

    [Fact]
    public void Constructor_InvalidRanges_Throw()
    {
        Assert.Throws<ArgumentException>(() => new MinMaxScaler([1f], [1f]));
        Assert.Throws<ArgumentException>(() => new MinMaxScaler([1f, 2f], [3f]));
        Assert.Throws<NonFiniteValueException>(() => new MinMaxScaler([float.NaN], [1f]));
    }

    [Fact]
    public void SaveAndLoad_RoundTripsExactly()
    {
        var scaler = new MinMaxScaler([-5.638501f, -5.40146f, -6.7874f, -6.8967f], [2.5302f, 2.4976f, 6.882f, 7.1179f]);
        using var stream = new MemoryStream();

        scaler.Save(stream);
        stream.Position = 0;
        var loaded = MinMaxScaler.Load(stream, "s.json");

        Assert.True(scaler.SameAs(loaded));
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("{\"format\":\"other\"}", "not an IPLS scaler file")]
    [InlineData("{\"format\":\"ipls-minmax-scaler\",\"version\":2}", "unsupported scaler file version")]
    [InlineData("{\"format\":\"ipls-minmax-scaler\",\"version\":1,\"min\":[0],\"max\":[\"a\"]}", "\"max\"[0] is not a number")]
    [InlineData("{\"format\":\"ipls-minmax-scaler\",\"version\":1,\"min\":[1],\"max\":[0]}", "must be greater than min")]
    public void Load_BadContent_ThrowsModelFormatExceptionNamingSource(string json, string expected)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));

        var ex = Assert.Throws<ModelFormatException>(() => MinMaxScaler.Load(stream, "s.json"));

        Assert.StartsWith("s.json: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
