namespace IplsPeerAgent.Tests.Deployment;

/// <summary>
/// The build and compose commands in docs/deployment.md and the README work with the Docker a user
/// has: Debian's docker.io (no buildx, BuildKit only when asked for) or Docker's own packages (buildx).
/// scripts/container-check.sh runs the Debian form of the same commands in CI.
/// </summary>
public sealed class DeploymentDocsTests
{
    public static TheoryData<string> Documents => new() { "docs/deployment.md", "README.md" };

    private static string[] Lines(string relative) => File.ReadAllLines(Path.Combine(Cli.RepositoryPaths.Root, relative));

    [Theory]
    [MemberData(nameof(Documents))]
    public void PlainDockerBuild_AsksForBuildKit(string relative)
    {
        // Without DOCKER_BUILDKIT=1 Debian's docker CLI (20.10) uses the legacy builder, which cannot
        // build these Dockerfiles (FROM --platform=$BUILDPLATFORM, RUN --mount).
        foreach (string line in Lines(relative).Where(l => l.Contains("docker build ", StringComparison.Ordinal)))
        {
            Assert.Contains("DOCKER_BUILDKIT=1 docker build ", line, StringComparison.Ordinal);
        }

        foreach (string line in Lines(relative).Where(l => l.Contains("docker-compose ", StringComparison.Ordinal) && l.Contains("--build", StringComparison.Ordinal)))
        {
            Assert.Contains("COMPOSE_DOCKER_CLI_BUILD=1", line, StringComparison.Ordinal);
            Assert.Contains("DOCKER_BUILDKIT=1", line, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void BuildxBuilds_EndUpSomewhere(string relative)
    {
        // A multi-platform buildx build without --push or --output lands nowhere (the docker driver
        // cannot load a multi-platform image); single-platform ones need --load or --output.
        foreach (string line in Lines(relative).Where(l => l.Contains("docker buildx build", StringComparison.Ordinal)))
        {
            Assert.True(
                line.Contains("--load", StringComparison.Ordinal) || line.Contains("--push", StringComparison.Ordinal) || line.Contains("--output", StringComparison.Ordinal),
                $"{relative}: {line.Trim()}");
        }
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void NoStaleStatements(string relative)
    {
        string text = string.Join('\n', Lines(relative));

        Assert.DoesNotContain("not available in this build yet", text, StringComparison.Ordinal);
        Assert.DoesNotContain("there is no Docker engine on these machines", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCheckScript_RunsTheDocumentedBuilds()
    {
        string script = File.ReadAllText(Path.Combine(Cli.RepositoryPaths.Root, "scripts/container-check.sh"));
        string docs = File.ReadAllText(Path.Combine(Cli.RepositoryPaths.Root, "docs/deployment.md"));

        Assert.Contains("export DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1", script, StringComparison.Ordinal);
        foreach (string dockerfile in new[] { "deploy/agent/Dockerfile", "deploy/dashboard/Dockerfile" })
        {
            Assert.Contains($"-f {dockerfile} ", script, StringComparison.Ordinal);
            Assert.Contains($"-f {dockerfile} ", docs, StringComparison.Ordinal);
        }

        Assert.Contains("docker-compose.mqtt.yml", script, StringComparison.Ordinal);
        Assert.Contains("docker-compose.mqtt.yml", docs, StringComparison.Ordinal);
        Assert.Contains("scripts/container-check.sh", docs, StringComparison.Ordinal);
    }
}
