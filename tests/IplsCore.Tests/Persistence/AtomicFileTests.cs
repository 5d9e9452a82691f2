using IplsCore.Persistence;

namespace IplsCore.Tests.Persistence;

[System.Runtime.Versioning.SupportedOSPlatform("linux")] // file modes
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("atomic-file-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void OwnerOnly_CreatesTheFileWithoutGroupOrOtherPermissions_EvenWhenItReplacesAWiderOne()
    {
        string path = Path.Combine(_dir, "secret");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        AtomicFile.Write(path, s => s.Write("new"u8), AtomicFile.OwnerOnly);

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(AtomicFile.OwnerOnly, File.GetUnixFileMode(path));
        Assert.Single(Directory.GetFiles(_dir)); // no temporary file left
    }

    [Fact]
    public void WithoutAMode_TheFileGetsTheUmasksMode()
    {
        string plain = Path.Combine(_dir, "plain");
        string reference = Path.Combine(_dir, "reference");
        File.WriteAllText(reference, "x"); // created as any file is, under the process's umask

        AtomicFile.Write(plain, s => s.Write("x"u8));

        Assert.Equal(File.GetUnixFileMode(reference), File.GetUnixFileMode(plain));
    }
}
