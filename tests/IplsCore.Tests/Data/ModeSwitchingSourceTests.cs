using IplsCore.Data;

namespace IplsCore.Tests.Data;

public sealed class ModeSwitchingSourceTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Next_FollowsMode_AndEachSourceResumesWhereItLeftOff()
    {
        var normal = new CountingSource(100);
        var anomaly = new CountingSource(200);
        var source = new ModeSwitchingSource(normal, anomaly);
        var sample = new float[2];
        var seen = new List<float>();

        foreach (var mode in new[] { GeneratorMode.Normal, GeneratorMode.Normal, GeneratorMode.Anomaly, GeneratorMode.Normal, GeneratorMode.Anomaly })
        {
            source.Mode = mode;
            source.Next(sample);
            seen.Add(sample[0]);
        }

        Assert.Equal([100f, 101f, 200f, 102f, 201f], seen);
    }

    [Fact]
    public void Constructor_AnomalyMode_StartsWithAnomalySource()
    {
        var source = new ModeSwitchingSource(new CountingSource(100), new CountingSource(200), GeneratorMode.Anomaly);
        var sample = new float[2];

        source.Next(sample);

        Assert.Equal(GeneratorMode.Anomaly, source.Mode);
        Assert.Equal(200f, sample[0]);
    }

    [Fact]
    public void Constructor_FeatureCountsDiffer_Throws()
    {
        var normal = new CsvPlayback(new float[4], 4, seed: 1);
        var anomaly = new CsvPlayback(new float[3], 3, seed: 1);

        Assert.Throws<ArgumentException>(() => new ModeSwitchingSource(normal, anomaly));
    }

    [Fact]
    public void Next_WrongDestinationLength_Throws()
    {
        var source = new ModeSwitchingSource(new CountingSource(0), new CountingSource(0));

        Assert.Equal(2, source.Features);
        Assert.Throws<ArgumentException>(() => source.Next(new float[4]));
    }

    [Fact]
    public void Mode_UndefinedValue_Throws()
    {
        var source = new ModeSwitchingSource(new CountingSource(0), new CountingSource(0));

        Assert.Throws<ArgumentOutOfRangeException>(() => source.Mode = (GeneratorMode)2);
    }

    [Fact]
    public void Next_WrappingSyntheticGenerators_SwitchesDataShape()
    {
        var source = new ModeSwitchingSource(
            new SyntheticVehicleData(1, GeneratorMode.Normal),
            new SyntheticVehicleData(2, GeneratorMode.Anomaly));
        var sample = new float[4];

        for (var i = 0; i < 40; i++)
        {
            var mode = i % 3 == 0 ? GeneratorMode.Anomaly : GeneratorMode.Normal;
            source.Mode = mode;
            source.Next(sample);
            var radius = Math.Sqrt((sample[2] * sample[2]) + (sample[3] * sample[3]));
            Assert.Equal(mode, radius > 3.0 ? GeneratorMode.Anomaly : GeneratorMode.Normal);
        }
    }

    [Fact]
    public void FromFiles_PlaysRowsOfTheSelectedFile()
    {
        var normalPath = _temp.File("normal_1");
        var anomalyPath = _temp.File("anomaly_1");
        SensorCsv.WriteFile(normalPath, [1f, 1f, 1f, 1f, 2f, 2f, 2f, 2f]);
        SensorCsv.WriteFile(anomalyPath, [-1f, -1f, -1f, -1f, -2f, -2f, -2f, -2f, -3f, -3f, -3f, -3f]);
        var source = ModeSwitchingSource.FromFiles(normalPath, anomalyPath, seed: 3);
        var sample = new float[4];

        for (var i = 0; i < 20; i++)
        {
            source.Mode = i % 2 == 0 ? GeneratorMode.Anomaly : GeneratorMode.Normal;
            source.Next(sample);
            Assert.Equal(source.Mode == GeneratorMode.Anomaly, sample[0] < 0);
            Assert.All(sample, value => Assert.Equal(sample[0], value));
        }
    }

    [Fact]
    public void FromFiles_MissingFile_ThrowsDataFormatException()
    {
        var normalPath = _temp.File("normal_1");
        SensorCsv.WriteFile(normalPath, [1f, 1f, 1f, 1f]);

        var ex = Assert.Throws<DataFormatException>(
            () => ModeSwitchingSource.FromFiles(normalPath, _temp.File("anomaly_9"), seed: 1));

        Assert.Equal("anomaly_9: file not found", ex.Message);
    }

    [Fact]
    public void Next_AfterWarmUp_DoesNotAllocate()
    {
        var source = new ModeSwitchingSource(
            new CsvPlayback(new float[40], 4, seed: 1),
            new SyntheticVehicleData(2, GeneratorMode.Anomaly));
        Span<float> sample = stackalloc float[4];
        for (var i = 0; i < 100; i++)
        {
            source.Next(sample);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            source.Mode = (i & 1) == 0 ? GeneratorMode.Normal : GeneratorMode.Anomaly;
            source.Next(sample);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>Two features, both set to a counter that starts at <c>start</c> and rises per sample.</summary>
    private sealed class CountingSource(int start) : ISampleSource
    {
        private int _next = start;

        public int Features => 2;

        public void Next(Span<float> destination)
        {
            destination.Fill(_next++);
        }
    }
}
