using IplsCore.Engine;

namespace IplsCore.Tests.Engine;

public class FiniteCheckTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(30)]
    public void IndexOfNonFinite_FindsFirstBadValueAnywhere(int position)
    {
        var values = new float[31];
        values[position] = float.NaN;
        values[30] = float.NegativeInfinity;

        Assert.Equal(position, FiniteCheck.IndexOfNonFinite(values));
    }

    [Fact]
    public void IndexOfNonFinite_AllFinite_ReturnsMinusOne()
    {
        float[] values = [float.MaxValue, float.MinValue, 0f, -0f, float.Epsilon, 1, 2, 3, 4, 5];

        Assert.Equal(-1, FiniteCheck.IndexOfNonFinite(values));
    }
}
