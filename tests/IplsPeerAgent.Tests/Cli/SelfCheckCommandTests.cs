using System.Runtime.InteropServices;
using IplsCore.Engine;
using IplsCore.Persistence;
using IplsCore.Scaling;
using IplsPeerAgent.Cli;

namespace IplsPeerAgent.Tests.Cli;

public sealed class SelfCheckCommandTests : IDisposable
{
    private static readonly string[] Checks =
    [
        "model loads", "normal sample below threshold", "anomaly sample above threshold",
        "batch and row scoring agree", "training step stays finite", "checkpoint write and read back",
    ];

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task SelfCheck_BundledModel_PrintsPlatformFactsAndPassesEveryCheck()
    {
        var run = await CliRun.InvokeAsync("self-check");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(run.OutputLines, l => l.Contains("process architecture", StringComparison.Ordinal) && l.Contains(RuntimeInformation.ProcessArchitecture.ToString(), StringComparison.Ordinal));
        foreach (var fact in new[] { "OS", ".NET runtime", "Vector128 hardware accelerated", "Vector256 hardware accelerated", "Vector<float>.Count" })
        {
            Assert.Contains(run.OutputLines, l => l.Contains(fact, StringComparison.Ordinal));
        }

        foreach (var check in Checks)
        {
            Assert.Contains(run.OutputLines, l => l.Contains(check, StringComparison.Ordinal) && l.Contains("PASS", StringComparison.Ordinal));
        }

        Assert.DoesNotContain("FAIL", run.Output, StringComparison.Ordinal);
        Assert.Contains("self-check passed: 6 checks", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_BundledModel_SeparatesTheFixedSamplesAndLeavesNoTempFiles()
    {
        int before = Directory.GetDirectories(Path.GetTempPath(), "ipls-self-check-*").Length;

        var results = SelfCheck.Run(RepositoryPaths.DefaultModel, CancellationToken.None);

        Assert.Equal(Checks, results.Select(r => r.Check));
        Assert.All(results, r => Assert.True(r.Passed, $"{r.Check}: {r.Detail}"));
        Assert.Equal(before, Directory.GetDirectories(Path.GetTempPath(), "ipls-self-check-*").Length);
    }

    [Fact]
    public async Task SelfCheck_CorruptModel_FailsItAndSkipsTheDependentChecks_ExitOne()
    {
        string model = _dir.Write("broken.iplsm", "IPLSMODL but not really a model");

        var run = await CliRun.InvokeAsync("self-check", "--model", model);

        Assert.Equal(SelfCheckCommand.FailedExitCode, run.ExitCode);
        Assert.Contains(run.OutputLines, l => l.Contains("model loads", StringComparison.Ordinal) && l.Contains("FAIL", StringComparison.Ordinal));
        Assert.Equal(Checks.Length, run.OutputLines.Count(l => l.Contains('│', StringComparison.Ordinal) && l.Contains("FAIL", StringComparison.Ordinal)));
        Assert.Contains("self-check FAILED: 6 of 6 checks", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelfCheck_UntrainedModel_CannotTellNormalFromAnomaly_ExitOne()
    {
        // An untrained autoencoder reconstructs nothing: the normal sample scores far above the threshold.
        string model = _dir.File("untrained.iplsm");
        ModelFile.WriteFile(model, DenseNetwork.CreateXavier(NetworkShape.Default, 3), new MinMaxScaler([-6f, -6f, -7f, -7f], [3f, 3f, 7f, 7f]));

        var run = await CliRun.InvokeAsync("self-check", "--model", model);

        Assert.Equal(SelfCheckCommand.FailedExitCode, run.ExitCode);
        Assert.Contains(run.OutputLines, l => l.Contains("normal sample below threshold", StringComparison.Ordinal) && l.Contains("FAIL", StringComparison.Ordinal));
        Assert.Contains(run.OutputLines, l => l.Contains("model loads", StringComparison.Ordinal) && l.Contains("PASS", StringComparison.Ordinal));
        Assert.Contains(run.OutputLines, l => l.Contains("checkpoint write and read back", StringComparison.Ordinal) && l.Contains("PASS", StringComparison.Ordinal));
    }
}
