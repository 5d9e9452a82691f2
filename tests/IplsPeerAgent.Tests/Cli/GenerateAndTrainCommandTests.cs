using System.Globalization;
using IplsCore.Data;
using IplsCore.Persistence;

namespace IplsPeerAgent.Tests.Cli;

public sealed class GenerateAndTrainCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Generate_WritesRequestedRowsDeterministically()
    {
        var a = await CliRun.InvokeAsync("generate", "--mode", "anomaly", "--rows", "50", "--seed", "7");
        var b = await CliRun.InvokeAsync("generate", "--mode", "anomaly", "--rows", "50", "--seed", "7");
        var c = await CliRun.InvokeAsync("generate", "--mode", "anomaly", "--rows", "50", "--seed", "8");

        Assert.Equal(0, a.ExitCode);
        Assert.Equal(50, a.OutputLines.Length);
        Assert.Equal(a.Output, b.Output);
        Assert.NotEqual(a.Output, c.Output);
        // Anomaly rows put features 2-3 on a ring of radius ~6.
        foreach (var line in a.OutputLines)
        {
            var v = line.Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(4, v.Length);
            Assert.InRange(Math.Sqrt((v[2] * v[2]) + (v[3] * v[3])), 3.5, 8.5);
        }
    }

    [Fact]
    public async Task Generate_ToFile_IsReadableBySensorCsv()
    {
        var path = _dir.File("n.csv");

        var run = await CliRun.InvokeAsync("generate", "--mode", "normal", "--rows", "20", "--out", path);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(80, SensorCsv.ReadFile(path).Length);
    }

    [Fact]
    public async Task Generate_UnknownMode_IsUsageError()
    {
        var run = await CliRun.InvokeAsync("generate", "--mode", "weird", "--rows", "5");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("weird", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_OnCsvData_WritesLoadableModelWithFittedScaler()
    {
        var data = _dir.File("train.csv");
        await CliRun.InvokeAsync("generate", "--mode", "normal", "--rows", "500", "--out", data);
        var model = _dir.File("trained.iplsm");

        var run = await CliRun.InvokeAsync("train", "--data", data, "--epochs", "3", "--out", model);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("wrote", run.Output, StringComparison.Ordinal);
        var stored = ModelFile.ReadFile(model);
        Assert.NotNull(stored.Scaler);
        var rows = SensorCsv.ReadFile(data);
        Assert.Equal(rows.Where((_, i) => i % 4 == 2).Min(), stored.Scaler.Min[2]);
        Assert.Equal(rows.Where((_, i) => i % 4 == 2).Max(), stored.Scaler.Max[2]);
    }

    [Fact]
    public async Task Train_ExplicitScalerRange_IsUsed()
    {
        var model = _dir.File("r.iplsm");

        var run = await CliRun.InvokeAsync("train", "--synthetic", "normal", "--rows", "200", "--epochs", "1", "--scaler-min", "-6,-6,-7,-7", "--scaler-max", "3,3,7,7", "--out", model);

        Assert.Equal(0, run.ExitCode);
        var scaler = ModelFile.ReadFile(model).Scaler!;
        Assert.Equal([-6f, -6f, -7f, -7f], scaler.Min.ToArray());
        Assert.Equal([3f, 3f, 7f, 7f], scaler.Max.ToArray());
    }

    [Theory]
    [InlineData("--scaler-min", "1,2,3")]
    [InlineData("--scaler-min", "1,2,x,4")]
    public async Task Train_BadScalerRange_IsUserError(string option, string value)
    {
        var run = await CliRun.InvokeAsync("train", "--synthetic", "normal", "--rows", "10", option, value, "--scaler-max", "9,9,9,9", "--out", _dir.File("x.iplsm"));

        run.AssertUserError("--scaler-min");
    }

    [Fact]
    public async Task Train_BothDataAndSynthetic_IsUserError()
    {
        var run = await CliRun.InvokeAsync("train", "--synthetic", "normal", "--data", "a.csv", "--out", _dir.File("x.iplsm"));

        run.AssertUserError("exactly one of them");
    }

    [Fact]
    public async Task Train_SameSeed_GivesIdenticalFiles()
    {
        string[] Args(string output) => ["train", "--synthetic", "normal", "--rows", "300", "--epochs", "2", "--seed", "9", "--scaler-synthetic", "--out", output];

        await CliRun.InvokeAsync(Args(_dir.File("a.iplsm")));
        await CliRun.InvokeAsync(Args(_dir.File("b.iplsm")));

        Assert.Equal(File.ReadAllBytes(_dir.File("a.iplsm")), File.ReadAllBytes(_dir.File("b.iplsm")));
    }
}
