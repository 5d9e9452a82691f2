using IplsCore.Ipls;

namespace IplsCore.Tests.Ipls;

public class PartitionLayoutTests
{
    [Theory]
    [InlineData(5844, 8)]
    [InlineData(5844, 1)]
    [InlineData(10, 10)]
    [InlineData(10, 3)]
    [InlineData(5844, 1000)]
    public void Partitions_AreContiguousNonEmptyAndBalanced(int parameters, int partitions)
    {
        var layout = new PartitionLayout(parameters, partitions);

        int expectedOffset = 0;
        int min = int.MaxValue;
        int max = 0;
        for (int p = 0; p < partitions; p++)
        {
            Assert.Equal(expectedOffset, layout.Offset(p));
            int length = layout.Length(p);
            Assert.True(length > 0);
            min = Math.Min(min, length);
            max = Math.Max(max, length);
            expectedOffset += length;
        }

        Assert.Equal(parameters, expectedOffset);
        Assert.True(max - min <= 1);
    }

    [Fact]
    public void Constructor_MorePartitionsThanParameters_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PartitionLayout(5, 6));
    }
}
