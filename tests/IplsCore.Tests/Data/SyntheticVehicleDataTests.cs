using IplsCore.Data;

namespace IplsCore.Tests.Data;

public class SyntheticVehicleDataTests
{
    private const int SampleCount = 20_000;
    private const int Features = VehicleDataSpec.Features;

    [Fact]
    public void Generate_Normal_F2F3RadiusIsHalfNormalWithSpecSigma()
    {
        var data = SyntheticVehicleData.Generate(GeneratorMode.Normal, SampleCount, seed: 11);
        var (mean, rms) = RadiusStatistics(data, 2);

        // |N(0, σ)| has mean σ·√(2/π) and RMS σ; the standard error over 20,000 samples is ≈ 0.0014.
        Assert.Equal(VehicleDataSpec.NormalF2F3RadiusSigma * Math.Sqrt(2.0 / Math.PI), mean, 0.01);
        Assert.Equal(VehicleDataSpec.NormalF2F3RadiusSigma, rms, 0.01);
    }

    [Fact]
    public void Generate_Anomaly_F2F3RadiusIsRingWithSpecMuAndSigma()
    {
        var data = SyntheticVehicleData.Generate(GeneratorMode.Anomaly, SampleCount, seed: 12);
        var (mean, rms) = RadiusStatistics(data, 2);
        var sigma = Math.Sqrt((rms * rms) - (mean * mean));

        Assert.Equal(VehicleDataSpec.AnomalyF2F3RadiusMu, mean, 0.02);
        Assert.Equal(6.0, mean, 0.05);
        Assert.Equal(VehicleDataSpec.AnomalyF2F3RadiusSigma, sigma, 0.02);
    }

    [Theory]
    [InlineData(GeneratorMode.Normal)]
    [InlineData(GeneratorMode.Anomaly)]
    public void Generate_AnyMode_F0F1ClusterFractionsMatchWeights(GeneratorMode mode)
    {
        var data = SyntheticVehicleData.Generate(mode, SampleCount, seed: 13);
        var centres = VehicleDataSpec.F0F1Centres(mode);
        var counts = new int[VehicleDataSpec.ClusterCount];
        for (var row = 0; row < SampleCount; row++)
        {
            var (cluster, _) = NearestCentre(centres, data[row * Features], data[(row * Features) + 1]);
            counts[cluster]++;
        }

        var weights = VehicleDataSpec.F0F1Weights(mode);
        for (var i = 0; i < counts.Length; i++)
        {
            // Standard error of a fraction near 0.25 over 20,000 samples is ≈ 0.003.
            Assert.Equal(weights[i], counts[i] / (double)SampleCount, 0.015);
        }
    }

    [Theory]
    [InlineData(GeneratorMode.Normal)]
    [InlineData(GeneratorMode.Anomaly)]
    public void Generate_AnyMode_F0F1LiesNearACentreWithSpecSigma(GeneratorMode mode)
    {
        var data = SyntheticVehicleData.Generate(mode, SampleCount, seed: 14);
        var centres = VehicleDataSpec.F0F1Centres(mode);
        var sumSquares = 0.0;
        var maxDistance = 0.0;
        for (var row = 0; row < SampleCount; row++)
        {
            var (_, distance) = NearestCentre(centres, data[row * Features], data[(row * Features) + 1]);
            sumSquares += distance * distance;
            maxDistance = Math.Max(maxDistance, distance);
        }

        // Centres are at least 4.2 apart; a half-normal with σ ≈ 0.34 stays well inside 2.
        Assert.True(maxDistance < 2.0, $"a point lies {maxDistance} from the nearest centre");
        Assert.Equal(VehicleDataSpec.F0F1RadiusSigma(mode), Math.Sqrt(sumSquares / SampleCount), 0.01);
    }

    [Theory]
    [InlineData(GeneratorMode.Normal, 0)]
    [InlineData(GeneratorMode.Anomaly, 0)]
    [InlineData(GeneratorMode.Anomaly, 2)]
    public void Generate_AnyMode_AnglesAreUniform(GeneratorMode mode, int firstFeature)
    {
        var data = SyntheticVehicleData.Generate(mode, SampleCount, seed: 15);
        var centres = VehicleDataSpec.F0F1Centres(mode);
        var quadrants = new int[4];
        for (var row = 0; row < SampleCount; row++)
        {
            var x = (double)data[(row * Features) + firstFeature];
            var y = (double)data[(row * Features) + firstFeature + 1];
            if (firstFeature == 0)
            {
                var (cluster, _) = NearestCentre(centres, x, y);
                x -= centres[2 * cluster];
                y -= centres[(2 * cluster) + 1];
            }

            quadrants[(x >= 0 ? 0 : 1) + (y >= 0 ? 0 : 2)]++;
        }

        foreach (var count in quadrants)
        {
            Assert.Equal(0.25, count / (double)SampleCount, 0.015);
        }
    }

    [Fact]
    public void Generate_SameSeed_GivesIdenticalData()
    {
        var first = SyntheticVehicleData.Generate(GeneratorMode.Normal, 1000, seed: 42);
        var second = SyntheticVehicleData.Generate(GeneratorMode.Normal, 1000, seed: 42);

        Assert.Equal(first, second);
    }

    [Fact]
    public void Generate_DifferentSeeds_GiveDifferentData()
    {
        var first = SyntheticVehicleData.Generate(GeneratorMode.Normal, 100, seed: 42);
        var second = SyntheticVehicleData.Generate(GeneratorMode.Normal, 100, seed: 43);

        var differing = 0;
        for (var i = 0; i < first.Length; i++)
        {
            if (first[i] != second[i])
            {
                differing++;
            }
        }

        Assert.True(differing > first.Length * 9 / 10, $"only {differing} of {first.Length} values differ");
    }

    [Fact]
    public void Generate_MatchesSuccessiveNextCalls()
    {
        var data = SyntheticVehicleData.Generate(GeneratorMode.Anomaly, 50, seed: 5);
        var generator = new SyntheticVehicleData(5, GeneratorMode.Anomaly);
        var sample = new float[Features];
        for (var row = 0; row < 50; row++)
        {
            generator.Next(sample);
            Assert.Equal(data.AsSpan(row * Features, Features).ToArray(), sample);
        }
    }

    [Fact]
    public void Generate_ZeroRows_ReturnsEmpty()
    {
        Assert.Empty(SyntheticVehicleData.Generate(GeneratorMode.Normal, 0, seed: 1));
    }

    [Fact]
    public void Generate_NegativeRows_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticVehicleData.Generate(GeneratorMode.Normal, -1, seed: 1));
    }

    [Fact]
    public void Next_SameSeedAndModeSequence_GivesIdenticalSamples()
    {
        var first = RunWithSwitches(seed: 99);
        var second = RunWithSwitches(seed: 99);

        Assert.Equal(first, second);
    }

    [Fact]
    public void Mode_Switched_TakesEffectOnNextSample()
    {
        var generator = new SyntheticVehicleData(3);
        var sample = new float[Features];
        var pattern = new[]
        {
            GeneratorMode.Normal, GeneratorMode.Anomaly, GeneratorMode.Normal, GeneratorMode.Normal,
            GeneratorMode.Anomaly, GeneratorMode.Anomaly, GeneratorMode.Normal, GeneratorMode.Anomaly,
        };

        for (var repeat = 0; repeat < 25; repeat++)
        {
            foreach (var mode in pattern)
            {
                generator.Mode = mode;
                generator.Next(sample);

                // Normal radii stay below ≈ 1.6 (4.5σ); anomaly radii stay above ≈ 4.5.
                var radius = Math.Sqrt((sample[2] * sample[2]) + (sample[3] * sample[3]));
                Assert.Equal(mode, radius > 3.0 ? GeneratorMode.Anomaly : GeneratorMode.Normal);
                Assert.Equal(mode, generator.Mode);
            }
        }
    }

    [Fact]
    public void Constructor_AnomalyMode_ProducesAnomalyFromFirstSample()
    {
        var generator = new SyntheticVehicleData(8, GeneratorMode.Anomaly);
        var sample = new float[Features];

        generator.Next(sample);

        Assert.Equal(GeneratorMode.Anomaly, generator.Mode);
        Assert.True(Math.Sqrt((sample[2] * sample[2]) + (sample[3] * sample[3])) > 3.0);
    }

    [Fact]
    public void Mode_UndefinedValue_Throws()
    {
        var generator = new SyntheticVehicleData(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => generator.Mode = (GeneratorMode)5);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SyntheticVehicleData(1, (GeneratorMode)(-1)));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void Next_WrongDestinationLength_Throws(int length)
    {
        var generator = new SyntheticVehicleData(1);

        Assert.Equal(4, generator.Features);
        Assert.Throws<ArgumentException>(() => generator.Next(new float[length]));
    }

    [Fact]
    public void Next_AfterWarmUp_DoesNotAllocate()
    {
        var generator = new SyntheticVehicleData(1);
        Span<float> sample = stackalloc float[Features];
        for (var i = 0; i < 100; i++)
        {
            generator.Next(sample);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            generator.Mode = (i & 1) == 0 ? GeneratorMode.Normal : GeneratorMode.Anomaly;
            generator.Next(sample);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Spec_Weights_SumToOne()
    {
        foreach (var mode in new[] { GeneratorMode.Normal, GeneratorMode.Anomaly })
        {
            var sum = 0.0;
            foreach (var weight in VehicleDataSpec.F0F1Weights(mode))
            {
                sum += weight;
            }

            Assert.Equal(1.0, sum, 1e-12);
            Assert.Equal(2 * VehicleDataSpec.ClusterCount, VehicleDataSpec.F0F1Centres(mode).Length);
        }
    }

    private static float[] RunWithSwitches(int seed)
    {
        var generator = new SyntheticVehicleData(seed);
        var data = new float[300 * Features];
        for (var row = 0; row < 300; row++)
        {
            generator.Mode = row % 100 < 40 ? GeneratorMode.Normal : GeneratorMode.Anomaly;
            generator.Next(data.AsSpan(row * Features, Features));
        }

        return data;
    }

    private static (double Mean, double Rms) RadiusStatistics(float[] data, int firstFeature)
    {
        var rows = data.Length / Features;
        var sum = 0.0;
        var sumSquares = 0.0;
        for (var row = 0; row < rows; row++)
        {
            double x = data[(row * Features) + firstFeature];
            double y = data[(row * Features) + firstFeature + 1];
            var squared = (x * x) + (y * y);
            sum += Math.Sqrt(squared);
            sumSquares += squared;
        }

        return (sum / rows, Math.Sqrt(sumSquares / rows));
    }

    private static (int Cluster, double Distance) NearestCentre(ReadOnlySpan<double> centres, double x, double y)
    {
        var best = -1;
        var bestDistance = double.MaxValue;
        for (var i = 0; i < centres.Length / 2; i++)
        {
            var dx = x - centres[2 * i];
            var dy = y - centres[(2 * i) + 1];
            var distance = Math.Sqrt((dx * dx) + (dy * dy));
            if (distance < bestDistance)
            {
                best = i;
                bestDistance = distance;
            }
        }

        return (best, bestDistance);
    }
}
