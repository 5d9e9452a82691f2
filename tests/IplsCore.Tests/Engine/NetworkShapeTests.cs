using IplsCore.Engine;

namespace IplsCore.Tests.Engine;

public class NetworkShapeTests
{
    [Fact]
    public void Default_HasReferenceLayoutAnd5844Parameters()
    {
        var shape = NetworkShape.Default;

        Assert.Equal("4-64-32-16-32-64-4", shape.ToString());
        Assert.Equal(5844, shape.ParameterCount);

        // Offsets of the reference's DL4J layout (W then b per layer).
        int[] weightOffsets = [0, 320, 2400, 2928, 3472, 5584];
        int[] biasOffsets = [256, 2368, 2912, 3440, 5520, 5840];
        for (int l = 0; l < 6; l++)
        {
            Assert.Equal(weightOffsets[l], shape.Layers[l].WeightOffset);
            Assert.Equal(biasOffsets[l], shape.Layers[l].BiasOffset);
        }
    }

    [Fact]
    public void Parse_AcceptsDashesAndCommas()
    {
        Assert.Equal(NetworkShape.Create(4, 8, 4), NetworkShape.Parse("4-8-4"));
        Assert.Equal(NetworkShape.Create(4, 8, 4), NetworkShape.Parse("4, 8, 4"));
    }

    [Theory]
    [InlineData("4")]
    [InlineData("4-0-4")]
    [InlineData("4-x-4")]
    [InlineData("4-99999-4")]
    public void Parse_InvalidSizes_Throws(string text)
    {
        var ex = Record.Exception(() => NetworkShape.Parse(text));
        Assert.True(ex is ArgumentException or FormatException, ex?.GetType().Name);
    }
}
