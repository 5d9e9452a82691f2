using System.Text.RegularExpressions;

namespace IplsPeerAgent.Tests.Deployment;

/// <summary>The Dockerfiles under deploy/, read as text (no Docker engine here): what each image is made of and runs as.</summary>
public sealed partial class DockerfileTests
{
    public static TheoryData<string> Dockerfiles => new() { "deploy/agent/Dockerfile", "deploy/dashboard/Dockerfile", "deploy/kubo/Dockerfile" };

    private static Dockerfile Load(string relative) => Dockerfile.Load(Path.Combine(Cli.RepositoryPaths.Root, relative));

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void FinalStage_RunsAsANonRootUser(string relative)
    {
        var users = Load(relative).FinalStage.Where(i => i.Keyword == "USER").ToList();

        Assert.NotEmpty(users);
        string user = users[^1].Arguments.Split(':')[0];
        Assert.DoesNotContain(user, new[] { "root", "0" });
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Instructions_NeitherCarryNorCopySecrets(string relative)
    {
        var file = Load(relative);

        foreach (var instruction in file.Stages.SelectMany(s => s))
        {
            if (instruction.Keyword is "ENV" or "ARG" or "LABEL")
            {
                // Settings may name secret files, never hold secret values.
                foreach (Match match in SecretAssignment().Matches(instruction.Arguments))
                {
                    Assert.True(match.Groups["value"].Value is "" or "\"\"" || match.Groups["value"].Value.StartsWith("/run/secrets/", StringComparison.Ordinal), $"{relative}: {instruction.Keyword} {instruction.Arguments}");
                }
            }

            if (instruction.Keyword is "COPY" or "ADD")
            {
                Assert.DoesNotContain("secrets", instruction.Arguments, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(".env", instruction.Arguments, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void CopiedSources_ExistInTheRepository_AndAreNotDockerIgnored(string relative)
    {
        string[] ignored = [.. File.ReadAllLines(Path.Combine(Cli.RepositoryPaths.Root, ".dockerignore")).Where(l => l.Length > 0 && !l.StartsWith('#') && !l.Contains('*', StringComparison.Ordinal))];
        foreach (var copy in Load(relative).Stages.SelectMany(s => s).Where(i => i.Keyword == "COPY" && !i.Arguments.Contains("--from=", StringComparison.Ordinal)))
        {
            string[] words = [.. copy.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith("--", StringComparison.Ordinal))];
            foreach (string source in words[..^1])
            {
                string path = Path.Combine(Cli.RepositoryPaths.Root, source);
                Assert.True(File.Exists(path) || Directory.Exists(path), $"{relative}: COPY {source} does not exist");
                string trimmed = source.TrimEnd('/');
                Assert.DoesNotContain(ignored, entry => trimmed == entry || trimmed.StartsWith(entry + "/", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public void Agent_IsCrossPublishedOnTheBuildPlatform_IntoASmallRuntimeWithoutEmulatedSteps()
    {
        var file = Load("deploy/agent/Dockerfile");

        Assert.Equal(2, file.Stages.Count);
        var build = file.Stages[0];
        Assert.Equal("--platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build", build[0].Arguments);
        Assert.Contains(build, i => i.Keyword == "ARG" && i.Arguments == "TARGETARCH");
        var publish = Assert.Single(build, i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal));
        Assert.Contains("--self-contained", publish.Arguments, StringComparison.Ordinal);
        Assert.Contains("-p:InvariantGlobalization=true", publish.Arguments, StringComparison.Ordinal);
        Assert.Contains(build, i => i.Keyword == "RUN" && i.Arguments.Contains("amd64) echo linux-x64", StringComparison.Ordinal) && i.Arguments.Contains("arm64) echo linux-arm64", StringComparison.Ordinal));

        var runtime = file.FinalStage;
        Assert.Equal("mcr.microsoft.com/dotnet/runtime-deps:10.0", runtime[0].Arguments);
        Assert.DoesNotContain(runtime, i => i.Keyword == "RUN"); // a RUN here would need qemu for arm64 builds
        Assert.Contains(runtime, i => i.Keyword == "VOLUME" && i.Arguments == "/var/lib/ipls");
        Assert.Contains(runtime, i => i.Keyword == "HEALTHCHECK");
        Assert.Contains(runtime, i => i.Keyword == "ENTRYPOINT" && i.Arguments.Contains("/app/ipls-agent", StringComparison.Ordinal));
    }

    [Fact]
    public void Dashboard_RestoresTheChartLibraryWithNpm_AndStartsWithoutTheDemoFleet()
    {
        var file = Load("deploy/dashboard/Dockerfile");

        Assert.Equal(3, file.Stages.Count);
        Assert.StartsWith("node:", file.Stages[0][0].Arguments, StringComparison.Ordinal);
        Assert.Contains(file.Stages[0], i => i.Keyword == "RUN" && i.Arguments.Contains("npm ci", StringComparison.Ordinal));
        Assert.Contains(file.Stages[1], i => i.Keyword == "COPY" && i.Arguments.StartsWith("--from=npm ", StringComparison.Ordinal));
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", file.FinalStage[0].Arguments);
        Assert.Contains(file.FinalStage, i => i.Keyword == "ENV" && i.Arguments.Contains("Dashboard__DemoFleet__Enabled=false", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void NoSyntaxLine_SoBuildsNeedNoDockerHub(string relative)
    {
        // "# syntax=docker/dockerfile:1" makes BuildKit fetch that frontend image from Docker Hub on every build.
        string first = File.ReadLines(Path.Combine(Cli.RepositoryPaths.Root, relative)).First();
        Assert.DoesNotMatch(@"^#\s*syntax\s*=", first);
    }

    [Theory]
    [InlineData("deploy/agent/Dockerfile")]
    [InlineData("deploy/dashboard/Dockerfile")]
    public void Restores_TrustTheBuildHostsCaBundle_OnlyThroughABuildSecret(string relative)
    {
        var instructions = Load(relative).Stages.SelectMany(s => s).ToList();
        var restores = instructions.Where(i => i.Keyword == "RUN" && (i.Arguments.Contains("dotnet restore", StringComparison.Ordinal) || i.Arguments.Contains("npm ci", StringComparison.Ordinal))).ToList();

        Assert.NotEmpty(restores);
        Assert.All(restores, r => Assert.StartsWith("--mount=type=secret,id=ca_bundle ", r.Arguments, StringComparison.Ordinal));
        // Never a layer: no COPY/ADD of a certificate, no ENV pointing at one.
        Assert.DoesNotContain(instructions, i => i.Keyword is "COPY" or "ADD" or "ENV" && (i.Arguments.Contains(".crt", StringComparison.Ordinal) || i.Arguments.Contains("ca_bundle", StringComparison.Ordinal)));
    }

    [Fact]
    public void Dashboard_UsesNoCopyChmod()
    {
        // COPY --chmod is BuildKit-only; the entrypoint is made executable in the build stage instead.
        Assert.DoesNotContain(Load("deploy/dashboard/Dockerfile").Stages.SelectMany(s => s), i => i.Arguments.Contains("--chmod", StringComparison.Ordinal));
    }

    [Fact]
    public void Agent_HealthcheckProbesOftenEnoughToSeeTheFirstCheckpoint_WithAStartPeriod()
    {
        var check = Assert.Single(Load("deploy/agent/Dockerfile").FinalStage, i => i.Keyword == "HEALTHCHECK");

        Assert.Matches(@"--start-period=\d+[sm]", check.Arguments);
        var interval = Regex.Match(check.Arguments, @"--interval=(?<s>\d+)s");
        Assert.True(interval.Success && int.Parse(interval.Groups["s"].Value, System.Globalization.CultureInfo.InvariantCulture) <= 30, check.Arguments);
        Assert.Contains("checkpoint.json", check.Arguments, StringComparison.Ordinal);
    }

    [Fact]
    public void Kubo_IsPinned_ForcesAPrivateNetwork_AndInstallsTheInitScript()
    {
        var file = Load("deploy/kubo/Dockerfile");

        string from = Assert.Single(file.Stages)[0].Arguments;
        Assert.Matches(@"^ipfs/kubo:v\d+\.\d+\.\d+$", from);
        Assert.Contains(file.FinalStage, i => i.Keyword == "ENV" && i.Arguments.Contains("LIBP2P_FORCE_PNET=1", StringComparison.Ordinal));
        Assert.Contains(file.FinalStage, i => i.Keyword == "COPY" && i.Arguments.EndsWith("/container-init.d/", StringComparison.Ordinal));
        Assert.DoesNotContain(file.FinalStage, i => i.Keyword == "EXPOSE" && i.Arguments.Contains("5001", StringComparison.Ordinal));
    }

    [Fact]
    public void DockerIgnore_KeepsSecretsBuildOutputAndGitOutOfTheContext()
    {
        var lines = File.ReadAllLines(Path.Combine(Cli.RepositoryPaths.Root, ".dockerignore"));

        foreach (string entry in new[] { ".git", "**/bin", "**/obj", "**/node_modules", "artifacts", ".env", "deploy/secrets" })
        {
            Assert.Contains(entry, lines);
        }
    }

    [GeneratedRegex(@"(?<name>[A-Za-z_]*(?i:password|token|secret|privkey|swarm_key)[A-Za-z_]*)(?<!_FILE)(?<!File)=(?<value>\S*)")]
    private static partial Regex SecretAssignment();
}
