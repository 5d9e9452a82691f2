using IplsCore.Data;

namespace IplsCore.Tests.Data;

public class GeneratorModeParserTests
{
    [Theory]
    [InlineData("normal", GeneratorMode.Normal)]
    [InlineData("NORMAL", GeneratorMode.Normal)]
    [InlineData(" Normal ", GeneratorMode.Normal)]
    [InlineData("anomaly", GeneratorMode.Anomaly)]
    [InlineData("AnOmAlY", GeneratorMode.Anomaly)]
    public void TryParse_KnownNameInAnyCase_ReturnsMode(string text, GeneratorMode expected)
    {
        Assert.True(GeneratorModeParser.TryParse(text, out var mode));
        Assert.Equal(expected, mode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("anomalous")]
    [InlineData("norm")]
    public void TryParse_OtherText_ReturnsFalse(string? text)
    {
        Assert.False(GeneratorModeParser.TryParse(text, out _));
    }

    [Fact]
    public void TryParse_Span_ParsesAnomaly()
    {
        Assert.True(GeneratorModeParser.TryParse("{anomaly}".AsSpan(1, 7), out var mode));
        Assert.Equal(GeneratorMode.Anomaly, mode);
    }

    [Theory]
    [InlineData(GeneratorMode.Normal, "normal")]
    [InlineData(GeneratorMode.Anomaly, "anomaly")]
    public void ToWireName_DefinedMode_ReturnsLowerCaseNameThatParsesBack(GeneratorMode mode, string expected)
    {
        var name = GeneratorModeParser.ToWireName(mode);

        Assert.Equal(expected, name);
        Assert.True(GeneratorModeParser.TryParse(name, out var parsed));
        Assert.Equal(mode, parsed);
    }

    [Fact]
    public void ToWireName_UndefinedMode_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GeneratorModeParser.ToWireName((GeneratorMode)7));
    }
}
