using System.Numerics;
using System.Text.RegularExpressions;

namespace IplsPeerAgent.Tests.Deployment;

/// <summary>scripts/make-secrets.sh and the libp2p identity it makes for the bootstrap Kubo node (bash and openssl only).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // bash, openssl, file modes
public sealed partial class MakeSecretsTests
{
    private const string Base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    [Fact]
    public async Task PeerId_OfAKnownKuboKey_IsTheIdKuboReportsForIt()
    {
        // From the Kubo RPC fixtures in shared/design: `id` returns this public key for this peer id.
        byte[] publicKey = Convert.FromBase64String("CAESIOkRBOWQ/pemtfyewpgVVpG+Y99nvth1gS55t9morick");
        string hex = Convert.ToHexStringLower(publicKey[4..]);

        var run = await Shell.BashAsync($". scripts/lib/libp2p-identity.sh && libp2p_peer_id_from_public_hex {hex}");

        run.AssertSuccess("libp2p_peer_id_from_public_hex");
        Assert.Equal("12D3KooWRWADNo2mDhkXG6yU8iSzzbwnUwcBS9d7qv8KrjKf7UyR", run.Stdout.Trim());
    }

    [Fact]
    public async Task Secrets_HaveTheirFormats_AndTheIdentityIsOneKuboAccepts()
    {
        using var secrets = await Secrets.MakeAsync();

        Assert.Matches(SwarmKey(), secrets.Read("swarm_key"));
        Assert.True(secrets.Read("fleet_token").Trim().Length >= 16);
        Assert.True(secrets.Read("dashboard_admin_password").Trim().Length >= 16);
        Assert.True(secrets.Read("broker_password").Trim().Length >= 16);
        Assert.Equal($"IPLS_BOOTSTRAP_PEER_ID={secrets.BootstrapPeerId}", File.ReadAllText(secrets.EnvFile).Trim());

        // PrivKey is the libp2p protobuf of an Ed25519 key (type 1, 64 bytes: seed then public key) ...
        var identity = File.ReadAllLines(secrets.PathOf("kubo_bootstrap_identity")).ToDictionary(l => l.Split('=', 2)[0], l => l.Split('=', 2)[1]);
        byte[] privateKey = Convert.FromBase64String(identity["PrivKey"]);
        Assert.Equal(68, privateKey.Length);
        Assert.Equal(new byte[] { 0x08, 0x01, 0x12, 0x40 }, privateKey[..4]);
        byte[] seed = privateKey[4..36];
        byte[] publicKey = privateKey[36..];

        // ... the peer id is the identity multihash of its public key's protobuf ...
        Assert.Equal(secrets.BootstrapPeerId, identity["PeerID"]);
        Assert.StartsWith("12D3KooW", secrets.BootstrapPeerId, StringComparison.Ordinal);
        Assert.Equal([0x00, 0x24, 0x08, 0x01, 0x12, 0x20, .. publicKey], Base58Decode(secrets.BootstrapPeerId));

        // ... and that public key is the one of the seed (derived again by openssl from the seed alone).
        string der = Convert.ToHexStringLower(seed);
        var derived = await Shell.BashAsync(
            $"printf '%b' \"$(printf '302e020100300506032b657004220420{der}' | sed 's/../\\\\x&/g')\" | openssl pkey -inform DER -pubout -outform DER | tail -c 32 | od -An -v -tx1 | tr -d ' \\n'");
        derived.AssertSuccess("openssl pkey");
        Assert.Equal(Convert.ToHexStringLower(publicKey), derived.Stdout.Trim());
    }

    [Fact]
    public async Task SecondRun_KeepsEverySecret_AndForceReplacesThem()
    {
        using var secrets = await Secrets.MakeAsync();
        var first = Secrets.Names.ToDictionary(n => n, secrets.Read);

        var again = await secrets.RunScriptAsync();
        var kept = Secrets.Names.ToDictionary(n => n, secrets.Read);
        var forced = await secrets.RunScriptAsync("--force");
        var replaced = Secrets.Names.ToDictionary(n => n, secrets.Read);

        again.AssertSuccess("make-secrets.sh again");
        Assert.Contains("already", again.Stdout, StringComparison.Ordinal);
        Assert.Equal(first, kept);
        forced.AssertSuccess("make-secrets.sh --force");
        Assert.All(Secrets.Names, n => Assert.NotEqual(first[n], replaced[n]));
        Assert.Contains(replaced["kubo_bootstrap_identity"].Split('\n')[0]["PeerID=".Length..], File.ReadAllText(secrets.EnvFile), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_AreReadableByTheContainersUsers_InADirectoryClosedToOthers()
    {
        using var secrets = await Secrets.MakeAsync();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(secrets.SecretsDirectory));
        Assert.All(Secrets.Names, n => Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            File.GetUnixFileMode(secrets.PathOf(n))));
    }

    private static byte[] Base58Decode(string text)
    {
        BigInteger value = BigInteger.Zero;
        foreach (char c in text)
        {
            int digit = Base58Alphabet.IndexOf(c, StringComparison.Ordinal);
            Assert.True(digit >= 0, $"'{c}' is not base58");
            value = (value * 58) + digit;
        }

        byte[] bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        int zeros = text.TakeWhile(c => c == '1').Count();
        return [.. new byte[zeros], .. bytes];
    }

    [GeneratedRegex(@"\A/key/swarm/psk/1\.0\.0/\n/base16/\n[0-9a-f]{64}\n\z")]
    private static partial Regex SwarmKey();
}
