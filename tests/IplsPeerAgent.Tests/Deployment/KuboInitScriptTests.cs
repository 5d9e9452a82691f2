namespace IplsPeerAgent.Tests.Deployment;

/// <summary>
/// deploy/kubo/container-init.d/050-ipls-private-swarm.sh under POSIX sh, against a stand-in `ipfs`
/// that records every call (no Kubo daemon here): what it installs, what it configures, what it refuses.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // sh, file modes
public sealed class KuboInitScriptTests : IDisposable
{
    private const string Script = "deploy/kubo/container-init.d/050-ipls-private-swarm.sh";
    private const string OtherId = "12D3KooWFtRXeVYo5VixuXeNuPSFYfQVbFoZXzuM2ksrguqJ6Kkk";

    // Records the call; answers the reads the script makes from the config file it edits.
    private const string FakeIpfs = """
        #!/bin/sh
        echo "$*" >> "$IPFS_PATH/calls"
        if [ "$1" = config ] && [ $# -eq 2 ]; then
          case "$2" in
            Identity.PeerID) sed -n 's/.*"PeerID": "\([^"]*\)".*/\1/p' "$IPFS_PATH/config" ;;
            Addresses.API) grep '^config Addresses.API ' "$IPFS_PATH/calls" | tail -n 1 | cut -d' ' -f3 ;;
          esac
        fi
        """;

    private readonly TempDirectory _dir = new();

    public KuboInitScriptTests()
    {
        Directory.CreateDirectory(Repo);
        Directory.CreateDirectory(Bin);
        File.WriteAllText(Path.Combine(Repo, "config"), "{\n  \"Identity\": {\n    \"PeerID\": \"12D3KooWInitial\",\n    \"PrivKey\": \"CAESQInitial\"\n  },\n  \"Bootstrap\": []\n}\n");
        File.WriteAllText(Path.Combine(Bin, "ipfs"), FakeIpfs.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(Path.Combine(Bin, "ipfs"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _dir.Write("swarm_key", "/key/swarm/psk/1.0.0/\n/base16/\n" + new string('a', 64) + "\n");
    }

    private string Repo => _dir.File("repo");

    private string Bin => _dir.File("bin");

    private string[] Calls => File.ReadAllLines(Path.Combine(Repo, "calls"));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Peer_GetsTheSwarmKeyPubsubAndOnlyThePrivateBootstrapNode()
    {
        var run = await RunAsync(new() { ["IPLS_KUBO_BOOTSTRAP"] = $"/dns4/kubo-bootstrap/tcp/4001/p2p/{OtherId}" });

        run.AssertSuccess(Script);
        Assert.Equal(File.ReadAllText(_dir.File("swarm_key")), File.ReadAllText(Path.Combine(Repo, "swarm.key")));
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(Path.Combine(Repo, "swarm.key")));
        var calls = Calls;
        Assert.Contains("config --json Pubsub.Enabled true", calls);
        Assert.Contains("config profile apply autoconf-off", calls);
        Assert.Contains("config Routing.Type dht", calls);
        Assert.Contains("config --json AutoTLS.Enabled false", calls);
        Assert.Contains("config Addresses.API /ip4/0.0.0.0/tcp/5001", calls);
        int removeAll = Array.IndexOf(calls, "bootstrap rm all");
        int add = Array.IndexOf(calls, $"bootstrap add /dns4/kubo-bootstrap/tcp/4001/p2p/{OtherId}");
        Assert.True(removeAll >= 0 && add > removeAll, string.Join("\n", calls));
        Assert.Contains($"config --json Peering.Peers [{{\"ID\":\"{OtherId}\",\"Addrs\":[\"/dns4/kubo-bootstrap/tcp/4001\"]}}]", calls);
        Assert.Contains("1 bootstrap peer(s)", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BootstrapNode_TakesItsIdentityFromTheSecret_AndSkipsItselfInTheBootstrapList()
    {
        string identity = _dir.Write("identity", $"PeerID={OtherId}\nPrivKey=CAESQ+secret/key==\n");

        var run = await RunAsync(new()
        {
            ["IPLS_KUBO_IDENTITY_FILE"] = identity,
            ["IPLS_KUBO_PEER_ID"] = OtherId,
            ["IPLS_KUBO_BOOTSTRAP"] = $"/dns4/kubo-bootstrap/tcp/4001/p2p/{OtherId}",
        });

        run.AssertSuccess(Script);
        string config = File.ReadAllText(Path.Combine(Repo, "config"));
        Assert.Contains($"\"PeerID\": \"{OtherId}\"", config, StringComparison.Ordinal);
        Assert.Contains("\"PrivKey\": \"CAESQ+secret/key==\"", config, StringComparison.Ordinal);
        Assert.DoesNotContain(Calls, c => c.StartsWith("bootstrap add", StringComparison.Ordinal));
        Assert.Contains("config --json Peering.Peers []", Calls);
        Assert.DoesNotContain("secret/key", run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdentityFile_NotMatchingTheExpectedPeerId_IsRefused()
    {
        string identity = _dir.Write("identity", $"PeerID={OtherId}\nPrivKey=CAESQkey\n");

        var run = await RunAsync(new() { ["IPLS_KUBO_IDENTITY_FILE"] = identity, ["IPLS_KUBO_PEER_ID"] = "12D3KooWSomeoneElse" });

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("is not the id in", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("LIBP2P_FORCE_PNET", "", "LIBP2P_FORCE_PNET=1 must be set")]
    [InlineData("IPLS_SWARM_KEY_FILE", "/nonexistent/swarm_key", "is missing or unreadable")]
    [InlineData("IPLS_KUBO_BOOTSTRAP", "/dns4/kubo-bootstrap/tcp/4001", "has no /p2p/<peer id>")]
    public async Task Misconfiguration_StopsTheStartWithAReason(string variable, string value, string reason)
    {
        var run = await RunAsync(new() { [variable] = value });

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(reason, run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotASwarmKey_IsRefused()
    {
        string notAKey = _dir.Write("not-a-key", "hello\n");

        var run = await RunAsync(new() { ["IPLS_SWARM_KEY_FILE"] = notAKey });

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("is not a swarm key", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Repo, "swarm.key")));
    }

    private Task<ShellResult> RunAsync(Dictionary<string, string?> overrides)
    {
        var environment = new Dictionary<string, string?>
        {
            ["PATH"] = $"{Bin}:/usr/bin:/bin",
            ["IPFS_PATH"] = Repo,
            ["LIBP2P_FORCE_PNET"] = "1",
            ["IPLS_SWARM_KEY_FILE"] = _dir.File("swarm_key"),
            ["IPLS_KUBO_BOOTSTRAP"] = null,
            ["IPLS_KUBO_IDENTITY_FILE"] = null,
            ["IPLS_KUBO_PEER_ID"] = null,
            ["IPLS_KUBO_API"] = null,
        };
        foreach (var (name, value) in overrides)
        {
            environment[name] = value;
        }

        return Shell.RunAsync("sh", [Script], environment);
    }
}
