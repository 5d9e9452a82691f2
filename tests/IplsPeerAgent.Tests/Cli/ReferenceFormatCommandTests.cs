using System.Text.Json;
using IplsCore.Engine;
using IplsCore.Persistence;
using IplsCore.Scaling;
using IplsCore.Tests.Persistence.Reference;

namespace IplsPeerAgent.Tests.Cli;

/// <summary>The CLI with model files in the reference system's formats, built in code.</summary>
public sealed class ReferenceFormatCommandTests : IDisposable
{
    private static readonly float[] Min = [-6f, -6f, -7f, -7f];
    private static readonly float[] Max = [3f, 3f, 7f, 7f];
    private readonly TempDirectory _dir = new();
    private readonly DenseNetwork _network = DenseNetwork.CreateXavier(NetworkShape.Default, 21);
    private readonly string _params;
    private readonly string _scaler;
    private readonly string _csv;

    public ReferenceFormatCommandTests()
    {
        _params = _dir.File("ad_ipls_params");
        File.WriteAllBytes(_params, JavaSerializationFixtureWriter.GuavaList(_network.Parameters.ToArray().Select(v => (double)v).ToArray()));
        _scaler = _dir.File("scaler");
        File.WriteAllBytes(_scaler, new ScalerFixture(Min, Max).ToBytes());
        _csv = _dir.Write("normal_1", "1.5,1.5,0.1,-0.2\n-4.5,-4.5,0.3,0.0\n");
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Score_ReferenceParameters_AreDetectedAndScoreLikeOurFormat()
    {
        var ours = _dir.File("ours.iplsm");
        ModelFile.WriteFile(ours, _network, new MinMaxScaler(Min, Max));

        var reference = await CliRun.InvokeAsync("score", "--model", _params, "--scaler", _scaler, "--json", _csv);
        var converted = await CliRun.InvokeAsync("score", "--model", ours, "--json", _csv);

        Assert.Equal(0, reference.ExitCode);
        Assert.Equal(converted.Output, reference.Output.Replace(_params, ours, StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(reference.Output);
        Assert.Equal(2, doc.RootElement.GetProperty("files")[0].GetProperty("rows").GetInt32());
    }

    [Fact]
    public async Task Import_WritesAnEquivalentModelFile()
    {
        var output = _dir.File("imported.iplsm");

        var run = await CliRun.InvokeAsync("import", "--params", _params, "--scaler", _scaler, "--out", output);

        Assert.Equal(0, run.ExitCode);
        var stored = ModelFile.ReadFile(output);
        Assert.True(_network.Parameters.SequenceEqual(stored.Network.Parameters));
        Assert.Equal(Min, stored.Scaler!.Min.ToArray());
        Assert.Equal(Max, stored.Scaler.Max.ToArray());
    }

    [Fact]
    public async Task Score_ReferenceParametersWithoutScaler_SaysToPassOne()
    {
        var run = await CliRun.InvokeAsync("score", "--model", _params, _csv);

        run.AssertUserError("ad_ipls_params: holds no scaler; pass one with --scaler");
    }

    [Fact]
    public async Task Score_WrongParameterCount_NamesFileAndCounts()
    {
        var shortParams = _dir.File("short_params");
        File.WriteAllBytes(shortParams, JavaSerializationFixtureWriter.GuavaList(new double[5000]));

        var run = await CliRun.InvokeAsync("score", "--model", shortParams, "--scaler", _scaler, _csv);

        run.AssertUserError("short_params: has 5000 parameters, but a 4-64-32-16-32-64-4 network needs 5844");
    }

    [Fact]
    public async Task Import_TruncatedParameters_IsOneLineUserError()
    {
        var bytes = File.ReadAllBytes(_params);
        var cut = _dir.File("cut_params");
        File.WriteAllBytes(cut, bytes.AsSpan(0, bytes.Length - 100).ToArray());

        var run = await CliRun.InvokeAsync("import", "--params", cut, "--scaler", _scaler, "--out", _dir.File("x.iplsm"));

        run.AssertUserError("cut_params: truncated");
    }

    [Fact]
    public async Task Import_ScalerGivenAsParams_IsRefused()
    {
        var run = await CliRun.InvokeAsync("import", "--params", _scaler, "--scaler", _scaler, "--out", _dir.File("x.iplsm"));

        run.AssertUserError("scaler: not a Java-serialized parameter list");
    }
}
