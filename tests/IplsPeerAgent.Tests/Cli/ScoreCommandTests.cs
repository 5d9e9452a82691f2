using System.Globalization;
using System.Text.Json;
using IplsCore.Engine;
using IplsCore.Persistence;
using IplsCore.Scaling;

namespace IplsPeerAgent.Tests.Cli;

public sealed class ScoreCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _model;
    private readonly string _csv;
    private readonly ScoringModel _scoring;

    public ScoreCommandTests()
    {
        var network = DenseNetwork.CreateXavier(NetworkShape.Default, 5);
        var scaler = new MinMaxScaler([-6f, -6f, -7f, -7f], [3f, 3f, 7f, 7f]);
        _model = _dir.File("m.iplsm");
        ModelFile.WriteFile(_model, network, scaler);
        _scoring = ScoringModel.Create(network, scaler);
        _csv = _dir.Write("data.csv", "1.5,1.5,0.1,-0.2\n-4.5,-4.5,0.3,0.0\n1.5,-4.5,5.9,0.5\n-1.0,2.0,-6.0,1.0\n");
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Score_Json_ReportsStatisticsOfEachFile()
    {
        var second = _dir.Write("two.csv", "0,0,0,0\n1,1,1,1\n");

        var run = await CliRun.InvokeAsync("score", "--model", _model, "--json", _csv, second);

        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Output);
        var files = doc.RootElement.GetProperty("files");
        Assert.Equal(2, files.GetArrayLength());
        var first = files[0];
        Assert.Equal(_csv, first.GetProperty("file").GetString());
        Assert.Equal(4, first.GetProperty("rows").GetInt32());
        var expected = ExpectedScores("1.5,1.5,0.1,-0.2", "-4.5,-4.5,0.3,0.0", "1.5,-4.5,5.9,0.5", "-1.0,2.0,-6.0,1.0");
        Assert.Equal(expected.Average(), first.GetProperty("mean").GetDouble(), 1e-6);
        Assert.Equal(expected.Max(), first.GetProperty("max").GetDouble(), 1e-6);
        var sorted = expected.Order().ToArray();
        Assert.Equal((sorted[1] + sorted[2]) / 2, first.GetProperty("median").GetDouble(), 1e-6);
        Assert.Equal(sorted[2] + (0.7 * (sorted[3] - sorted[2])), first.GetProperty("p90").GetDouble(), 1e-6);
        Assert.Equal(expected.Count(s => s > 0.08) / 4.0, first.GetProperty("share_above").GetDouble(), 1e-9);
        foreach (var key in new[] { "p99" })
        {
            Assert.True(first.TryGetProperty(key, out _), key);
        }

        Assert.Equal(2, files[1].GetProperty("rows").GetInt32());
    }

    [Fact]
    public async Task Score_PerRow_PrintsOneScorePerLine()
    {
        var run = await CliRun.InvokeAsync("score", "--model", _model, "--per-row", _csv);

        Assert.Equal(0, run.ExitCode);
        var expected = ExpectedScores("1.5,1.5,0.1,-0.2", "-4.5,-4.5,0.3,0.0", "1.5,-4.5,5.9,0.5", "-1.0,2.0,-6.0,1.0");
        var lines = run.OutputLines;
        Assert.Equal(4, lines.Length);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(expected[i], double.Parse(lines[i], CultureInfo.InvariantCulture), 1e-6);
        }
    }

    [Fact]
    public async Task Score_Text_PrintsHeaderAndOneLinePerFile()
    {
        var run = await CliRun.InvokeAsync("score", "--model", _model, "--threshold", "0.5", _csv);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(2, run.OutputLines.Length);
        Assert.Contains("> 0.5", run.OutputLines[0], StringComparison.Ordinal);
        Assert.StartsWith("data.csv", run.OutputLines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Score_MissingCsv_IsOneLineUserError()
    {
        var run = await CliRun.InvokeAsync("score", "--model", _model, _dir.File("nope.csv"));

        run.AssertUserError("nope.csv: file not found");
    }

    [Fact]
    public async Task Score_NonNumericField_NamesFileAndLine()
    {
        var bad = _dir.Write("bad.csv", "1,2,3,4\n1,2,x,4\n");

        var run = await CliRun.InvokeAsync("score", "--model", _model, bad);

        run.AssertUserError("bad.csv:2");
    }

    [Fact]
    public async Task Score_WrongFieldCount_NamesFileAndLine()
    {
        var bad = _dir.Write("short.csv", "1,2,3,4\n1,2,3\n");

        var run = await CliRun.InvokeAsync("score", "--model", _model, bad);

        run.AssertUserError("short.csv:2");
    }

    [Fact]
    public async Task Score_TruncatedModel_IsOneLineUserError()
    {
        var bytes = File.ReadAllBytes(_model);
        var cut = _dir.File("cut.iplsm");
        File.WriteAllBytes(cut, bytes.AsSpan(0, bytes.Length / 2).ToArray());

        var run = await CliRun.InvokeAsync("score", "--model", cut, _csv);

        run.AssertUserError("cut.iplsm: truncated");
    }

    [Fact]
    public async Task Score_ModelIsNotAModel_IsOneLineUserError()
    {
        var run = await CliRun.InvokeAsync("score", "--model", _csv, _csv);

        run.AssertUserError("data.csv: not a model file");
    }

    [Fact]
    public async Task Score_ModelWithoutScalerAndNoScalerOption_SaysWhatToPass()
    {
        var bare = _dir.File("bare.iplsm");
        ModelFile.WriteFile(bare, DenseNetwork.CreateXavier(NetworkShape.Default, 1), null);

        var run = await CliRun.InvokeAsync("score", "--model", bare, _csv);

        run.AssertUserError("pass one with --scaler");
    }

    [Fact]
    public async Task Score_UnknownOption_ExitsWithUsageError()
    {
        var run = await CliRun.InvokeAsync("score", "--model", _model, "--frobnicate", _csv);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--frobnicate", run.Error, StringComparison.Ordinal);
    }

    private double[] ExpectedScores(params string[] rows)
    {
        var scorer = new AnomalyScorer(_scoring);
        return rows.Select(r => (double)scorer.Score(r.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())).ToArray();
    }
}
