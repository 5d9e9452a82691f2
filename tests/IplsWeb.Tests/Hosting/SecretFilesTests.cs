using IplsWeb.Hosting;
using IplsWeb.Identity;

namespace IplsWeb.Tests.Hosting;

/// <summary>The dashboard's secrets on disk (fleet token, identity key) are owner-only.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // file modes
public sealed class SecretFilesTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _dir = Directory.CreateTempSubdirectory("secret-files-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AGeneratedFleetToken_IsOwnerOnly()
    {
        string token = FleetTokenStore.Resolve(new DashboardOptions { DataDirectory = _dir });

        string path = Path.Combine(_dir, "fleet-token");
        Assert.Equal(token, File.ReadAllText(path));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
    }

    [Fact]
    public void AnOlderWorldReadableFleetToken_IsTightened_AndKept()
    {
        string path = Path.Combine(_dir, "fleet-token");
        File.WriteAllText(path, "an-older-fleet-token-0123456789\n");
        File.SetUnixFileMode(path, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        Assert.Equal("an-older-fleet-token-0123456789", FleetTokenStore.Resolve(new DashboardOptions { DataDirectory = _dir }));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
    }

    [Fact]
    public void TheIdentityKey_IsOwnerOnly_WhenMadeAndWhenAnOlderOneIsRead()
    {
        string made = IdentityKeyStore.Resolve(new IdentityOptions(), _dir);
        string path = Path.Combine(_dir, IdentityKeyStore.FileName);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));

        File.SetUnixFileMode(path, OwnerOnly | UnixFileMode.OtherRead);
        Assert.Equal(made, IdentityKeyStore.Resolve(new IdentityOptions(), _dir));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
    }
}
