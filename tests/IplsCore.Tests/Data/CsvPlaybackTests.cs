using IplsCore.Data;

namespace IplsCore.Tests.Data;

public class CsvPlaybackTests
{
    private const int Rows = 50;
    private const int Features = 4;

    [Fact]
    public void Next_EachCycle_VisitsEveryRowExactlyOnce()
    {
        var playback = new CsvPlayback(NumberedRows(Rows), Features, seed: 1);

        for (var cycle = 0; cycle < 5; cycle++)
        {
            var order = ReadCycle(playback);
            var seen = new bool[Rows];
            foreach (var row in order)
            {
                Assert.False(seen[row], $"row {row} repeated in cycle {cycle}");
                seen[row] = true;
            }

            Assert.All(seen, Assert.True);
        }
    }

    [Fact]
    public void Next_RowValues_AreCopiedWhole()
    {
        var playback = new CsvPlayback(NumberedRows(Rows), Features, seed: 2);
        var sample = new float[Features];

        for (var i = 0; i < 3 * Rows; i++)
        {
            playback.Next(sample);
            var row = (int)sample[0];
            Assert.Equal([row, row + 0.25f, row + 0.5f, row + 0.75f], sample);
        }
    }

    [Fact]
    public void Next_FirstCycle_IsShuffled()
    {
        var order = ReadCycle(new CsvPlayback(NumberedRows(Rows), Features, seed: 3));

        Assert.NotEqual(Enumerable.Range(0, Rows).ToArray(), order);
    }

    [Fact]
    public void Next_NewCycle_Reshuffles()
    {
        var playback = new CsvPlayback(NumberedRows(Rows), Features, seed: 4);

        var first = ReadCycle(playback);
        var second = ReadCycle(playback);
        var third = ReadCycle(playback);

        Assert.NotEqual(first, second);
        Assert.NotEqual(second, third);
    }

    [Fact]
    public void Next_SameSeed_GivesSameSequence()
    {
        var first = new CsvPlayback(NumberedRows(Rows), Features, seed: 5);
        var second = new CsvPlayback(NumberedRows(Rows), Features, seed: 5);

        for (var cycle = 0; cycle < 3; cycle++)
        {
            Assert.Equal(ReadCycle(first), ReadCycle(second));
        }
    }

    [Fact]
    public void Next_DifferentSeeds_GiveDifferentOrders()
    {
        var first = ReadCycle(new CsvPlayback(NumberedRows(Rows), Features, seed: 6));
        var second = ReadCycle(new CsvPlayback(NumberedRows(Rows), Features, seed: 7));

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Constructor_CallerChangesArrayAfterwards_PlaybackUnaffected()
    {
        var rows = NumberedRows(1);
        var playback = new CsvPlayback(rows, Features, seed: 8);
        rows[0] = 99f;
        var sample = new float[Features];

        playback.Next(sample);

        Assert.Equal(0f, sample[0]);
    }

    [Fact]
    public void Next_SingleRow_RepeatsIt()
    {
        var playback = new CsvPlayback([1f, 2f], features: 2, seed: 9);
        var sample = new float[2];

        Assert.Equal(1, playback.RowCount);
        for (var i = 0; i < 3; i++)
        {
            playback.Next(sample);
            Assert.Equal([1f, 2f], sample);
        }
    }

    [Fact]
    public void Constructor_EmptyData_Throws()
    {
        Assert.Throws<ArgumentException>(() => new CsvPlayback([], Features, seed: 1));
    }

    [Fact]
    public void Constructor_PartialRow_Throws()
    {
        Assert.Throws<ArgumentException>(() => new CsvPlayback(new float[6], Features, seed: 1));
    }

    [Fact]
    public void Constructor_NoFeatures_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CsvPlayback(new float[4], 0, seed: 1));
    }

    [Fact]
    public void Next_WrongDestinationLength_Throws()
    {
        var playback = new CsvPlayback(NumberedRows(2), Features, seed: 1);

        Assert.Equal(Features, playback.Features);
        Assert.Throws<ArgumentException>(() => playback.Next(new float[Features - 1]));
    }

    [Fact]
    public void Next_AcrossCycles_DoesNotAllocate()
    {
        var playback = new CsvPlayback(NumberedRows(Rows), Features, seed: 10);
        Span<float> sample = stackalloc float[Features];
        for (var i = 0; i < 2 * Rows; i++)
        {
            playback.Next(sample);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20 * Rows; i++)
        {
            playback.Next(sample);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>Row i holds i, i + 0.25, i + 0.5, i + 0.75 so a sample tells which row it came from.</summary>
    private static float[] NumberedRows(int rows)
    {
        var data = new float[rows * Features];
        for (var row = 0; row < rows; row++)
        {
            for (var feature = 0; feature < Features; feature++)
            {
                data[(row * Features) + feature] = row + (0.25f * feature);
            }
        }

        return data;
    }

    private static int[] ReadCycle(CsvPlayback playback)
    {
        var order = new int[playback.RowCount];
        var sample = new float[Features];
        for (var i = 0; i < order.Length; i++)
        {
            playback.Next(sample);
            order[i] = (int)sample[0];
        }

        return order;
    }
}
