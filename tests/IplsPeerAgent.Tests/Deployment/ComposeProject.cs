using System.Text.Json;

namespace IplsPeerAgent.Tests.Deployment;

/// <summary>
/// docker-compose.yml as Debian's docker-compose (1.29) reads it: validation, and the resolved
/// configuration as JSON (converted by docker-compose's own Python and PyYAML, which its package
/// depends on). Without docker-compose the tests fail with how to install it, unless IPLS_SKIP_COMPOSE=1.
/// </summary>
internal static class ComposeProject
{
    public const string PeerIdVariable = "IPLS_BOOTSTRAP_PEER_ID";

    /// <summary>The docker-compose program, or null when it is missing and IPLS_SKIP_COMPOSE=1 allows skipping.</summary>
    public static string? Program()
    {
        string? program = Shell.Find("docker-compose");
        if (program is null)
        {
            Assert.True(
                Environment.GetEnvironmentVariable("IPLS_SKIP_COMPOSE") == "1",
                "docker-compose not found: apt-get install docker-compose (.ci/run does), or set IPLS_SKIP_COMPOSE=1");
        }

        return program;
    }

    /// <summary>
    /// Runs docker-compose on the repository's file with <paramref name="envFile"/> in place of the
    /// repository's .env (as make-secrets.sh writes it), so a developer's own .env never leaks in.
    /// </summary>
    public static Task<ShellResult> RunAsync(string program, string envFile, params string[] arguments) =>
        RunFilesAsync(program, envFile, ["docker-compose.yml"], arguments);

    /// <summary>Runs docker-compose on other compose files of the repository (merged in order), e.g. deploy/device/.</summary>
    public static Task<ShellResult> RunFilesAsync(string program, string envFile, IEnumerable<string> files, params string[] arguments)
    {
        string first = files.First();
        return Shell.RunAsync(
            program,
            ["--project-directory", Path.GetDirectoryName(Path.Combine(Cli.RepositoryPaths.Root, first))!, "--env-file", envFile, .. files.SelectMany(f => new[] { "-f", f }), .. arguments],
            new Dictionary<string, string?> { [PeerIdVariable] = null });
    }

    /// <summary>The resolved configuration (`docker-compose config`) as a JSON document.</summary>
    public static Task<JsonDocument> ConfigAsync(string program, string envFile) => ConfigAsync(program, envFile, ["docker-compose.yml"]);

    public static async Task<JsonDocument> ConfigAsync(string program, string envFile, IEnumerable<string> files)
    {
        var config = await RunFilesAsync(program, envFile, files, "config");
        config.AssertSuccess("docker-compose config");
        string python = File.ReadLines(program).First().TrimStart('#', '!').Trim().Split(' ')[0];
        var json = await Shell.RunAsync(python, ["-c", "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"], standardInput: config.Stdout);
        json.AssertSuccess("YAML to JSON with docker-compose's Python");
        return JsonDocument.Parse(json.Stdout);
    }
}
