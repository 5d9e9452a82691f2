namespace IplsPeerAgent.Tests.Deployment;

/// <summary>A fresh set of secrets made by scripts/make-secrets.sh in a temp directory, removed afterwards.</summary>
internal sealed class Secrets : IDisposable
{
    public static readonly string[] Names =
    [
        "swarm_key", "fleet_token", "dashboard_admin_password", "broker_password", "kubo_bootstrap_identity", "identity_key",
        "vehicle_1_credential", "vehicle_2_credential", "vehicle_3_credential", "vehicle_4_credential", "vehicle_900_credential",
    ];

    private readonly TempDirectory _dir = new();

    private Secrets()
    {
    }

    public string SecretsDirectory => System.IO.Path.Combine(_dir.Path, "secrets");

    public string EnvFile => System.IO.Path.Combine(_dir.Path, "compose.env");

    public string BootstrapPeerId { get; private set; } = string.Empty;

    public static async Task<Secrets> MakeAsync()
    {
        var secrets = new Secrets();
        (await secrets.RunScriptAsync()).AssertSuccess("scripts/make-secrets.sh");
        secrets.BootstrapPeerId = File.ReadAllLines(secrets.EnvFile).Single(l => l.StartsWith("IPLS_BOOTSTRAP_PEER_ID=", StringComparison.Ordinal)).Split('=', 2)[1];
        return secrets;
    }

    public Task<ShellResult> RunScriptAsync(params string[] extra) =>
        Shell.RunAsync("bash", ["scripts/make-secrets.sh", "--dir", SecretsDirectory, "--env-file", EnvFile, .. extra]);

    public string PathOf(string name) => System.IO.Path.Combine(SecretsDirectory, name);

    public string Read(string name) => File.ReadAllText(PathOf(name));

    /// <summary>The secret values a leak check looks for: each file's content and, for the identity, its private key alone.</summary>
    public IEnumerable<string> Values()
    {
        foreach (string name in Names)
        {
            foreach (string line in File.ReadAllLines(PathOf(name)).Where(l => l.Length >= 16 && !l.StartsWith('/') && !l.StartsWith("PeerID=", StringComparison.Ordinal)))
            {
                yield return line.StartsWith("PrivKey=", StringComparison.Ordinal) ? line["PrivKey=".Length..] : line;
            }
        }
    }

    public void Dispose() => _dir.Dispose();
}
