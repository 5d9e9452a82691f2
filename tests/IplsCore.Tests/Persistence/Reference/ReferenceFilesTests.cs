using IplsCore.Persistence.Reference;
using Xunit.Abstractions;

namespace IplsCore.Tests.Persistence.Reference;

/// <summary>
/// Checks the readers against the real reference files when a checkout has them next to the repository
/// (../shared/reference/technica); they are never committed. Without them the same assertions run on
/// code-built stand-ins, and the test output says which was checked.
/// </summary>
public class ReferenceFilesTests(ITestOutputHelper output)
{
    private const int ParameterCount = 5844;
    private static readonly float[] KnownMin = [-5.6385f, -5.4015f, -6.7874f, -6.8967f];
    private static readonly float[] KnownMax = [2.5302f, 2.4976f, 6.8820f, 7.1179f];

    [Fact]
    public void ReferenceFiles_RealWhenPresentElseStandIns_HaveKnownCountRangeAndScaler()
    {
        string? directory = FindReferenceDirectory();
        byte[] parameterBytes;
        byte[] scalerBytes;
        if (directory is null)
        {
            output.WriteLine("Real reference files not found; checking code-built stand-ins instead.");
            parameterBytes = JavaSerializationFixtureWriter.GuavaList(StandInParameters());
            scalerBytes = new ScalerFixture(KnownMin, KnownMax).ToBytes();
        }
        else
        {
            output.WriteLine($"Checking real reference files in {directory}.");
            parameterBytes = File.ReadAllBytes(Path.Combine(directory, "ad_ipls_params"));
            scalerBytes = File.ReadAllBytes(Path.Combine(directory, "scaler"));
        }

        double[] parameters = ReferenceParameterReader.Read(new MemoryStream(parameterBytes), "ad_ipls_params");
        ReferenceScaler scaler = ReferenceScalerReader.Read(new MemoryStream(scalerBytes), "scaler");

        Assert.Equal(ParameterCount, parameters.Length);
        Assert.InRange(parameters.Min(), -1.2700, -1.2690);
        Assert.InRange(parameters.Max(), 1.1790, 1.1800);
        AssertClose(KnownMin, scaler.Min);
        AssertClose(KnownMax, scaler.Max);
        Assert.Equal(0.0, scaler.TargetMin);
        Assert.Equal(1.0, scaler.TargetMax);

        // Re-encoding what was read must give the same bytes: for the real files this proves the fixture
        // writers used by the other tests produce exactly the reference formats.
        Assert.Equal(parameterBytes, JavaSerializationFixtureWriter.GuavaList(parameters));
        Assert.Equal(scalerBytes, new ScalerFixture(scaler.Min, scaler.Max).ToBytes());
    }

    private static double[] StandInParameters()
    {
        // Spans the real file's range [-1.26976, 1.17989] so the same assertions apply.
        const double low = -1.2697582244873047;
        const double high = 1.1798930168151855;
        return Enumerable.Range(0, ParameterCount)
            .Select(i => low + ((high - low) * i / (ParameterCount - 1)))
            .ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.InRange(actual[i], expected[i] - 1e-4f, expected[i] + 1e-4f);
        }
    }

    private static string? FindReferenceDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "IplsWeb.sln")))
            {
                string candidate = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "reference", "technica"));
                bool present = File.Exists(Path.Combine(candidate, "ad_ipls_params")) && File.Exists(Path.Combine(candidate, "scaler"));
                return present ? candidate : null;
            }
        }

        return null;
    }
}
