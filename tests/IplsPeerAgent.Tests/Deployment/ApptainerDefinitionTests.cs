namespace IplsPeerAgent.Tests.Deployment;

/// <summary>deploy/apptainer/*.def parsed the way Apptainer splits them (no Apptainer here to build them).</summary>
public sealed class ApptainerDefinitionTests
{
    private static string Repo(string relative) => Path.Combine(Cli.RepositoryPaths.Root, relative);

    [Theory]
    [InlineData("deploy/apptainer/agent.def")]
    [InlineData("deploy/apptainer/bootstrapper.def")]
    public void Definitions_HaveAHeaderPerStage_AndOnlyKnownSections(string relative)
    {
        var stages = ApptainerDefinition.Load(Repo(relative));

        Assert.NotEmpty(stages);
        Assert.All(stages, stage =>
        {
            Assert.Contains("bootstrap", stage.Header.Keys);
            Assert.Contains("from", stage.Header.Keys);
            Assert.All(stage.Sections, s => Assert.Contains(s.Name, ApptainerDefinition.KnownSections));
        });
    }

    [Fact]
    public void Agent_TakesKuboFromItsPinnedImage_AndTheAgentFromThePublishedFolder()
    {
        var stages = ApptainerDefinition.Load(Repo("deploy/apptainer/agent.def"));

        Assert.Equal(2, stages.Count);
        var (kubo, final) = (stages[0], stages[1]);
        Assert.Equal("docker", kubo.Header["bootstrap"]);
        Assert.Equal("kubo", kubo.Header["stage"]);
        string kuboImage = Dockerfile.Load(Repo("deploy/kubo/Dockerfile")).Stages[0][0].Arguments;
        Assert.Equal(kuboImage, kubo.Header["from"]); // one Kubo version for Docker and Apptainer
        Assert.Equal("mcr.microsoft.com/dotnet/runtime-deps:10.0", final.Header["from"]);

        Assert.Contains("/usr/local/bin/ipfs", final.Section("files", "from kubo").Body, StringComparison.Ordinal);
        Assert.Contains("RID=linux-arm64", final.Section("arguments").Body, StringComparison.Ordinal);
        foreach (string line in final.Section("files").Body.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string source = line.Split(' ')[0];
            if (!source.StartsWith("artifacts/", StringComparison.Ordinal)) // the publish output, made before the build
            {
                Assert.True(File.Exists(Repo(source)), $"%files source {source} does not exist");
            }
        }

        string environment = final.Section("environment").Body;
        Assert.Contains("export LIBP2P_FORCE_PNET=1", environment, StringComparison.Ordinal);
        Assert.Contains("IPLS_KUBO_API=\"${IPLS_KUBO_API:-/ip4/127.0.0.1/tcp/5001}\"", environment, StringComparison.Ordinal);
        Assert.Contains("ipls-agent self-check", final.Section("test").Body, StringComparison.Ordinal);
        Assert.Contains("/opt/ipls/ipls-start.sh", final.Section("startscript").Body, StringComparison.Ordinal);
        Assert.Contains("ipls-agent \"$@\"", final.Section("runscript").Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Bootstrapper_IsThePeerImageWithTheBootstrapperRoleAndFixedIdentity()
    {
        var stage = Assert.Single(ApptainerDefinition.Load(Repo("deploy/apptainer/bootstrapper.def")));

        Assert.Equal("localimage", stage.Header["bootstrap"]);
        Assert.Equal("ipls-agent.sif", stage.Header["from"]);
        string environment = stage.Section("environment").Body;
        Assert.Contains("export IPLS_role=bootstrapper", environment, StringComparison.Ordinal);
        Assert.Contains("export IPLS_generator__enabled=false", environment, StringComparison.Ordinal);
        Assert.Contains("IPLS_KUBO_IDENTITY_FILE", environment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartScript_IsValidShell()
    {
        var check = await Shell.RunAsync("sh", ["-n", "deploy/apptainer/ipls-start.sh"]);

        check.AssertSuccess("sh -n ipls-start.sh");
    }
}
