using IplsWeb.Hosting;
using IplsWeb.Tests.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IplsWeb.Tests.Hosting;

/// <summary>The keys behind sign-in cookies: in the data directory, owner only, and said so once instead of the framework's warning.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // file modes
public sealed class DataProtectionKeysTests
{
    // The key manager's own messages at Information (its "Creating key" line shows the rest still passes), ours too.
    private static readonly string[] Logging = ["--Logging:LogLevel:Microsoft.AspNetCore.DataProtection=Information", "--Logging:LogLevel:IplsWeb.Hosting=Information"];

    [Fact]
    public async Task TheFirstStart_StoresTheKeyOwnerOnly_AndSaysWhere_InsteadOfTheFrameworksWarning_OnlyThatOne()
    {
        var logs = new RecordingLoggerProvider();
        string keys;
        string key;
        await using (var host = await DashboardHost.StartAsync(services => services.AddSingleton<ILoggerProvider>(logs), peers: 0, bootstrappers: 0, extra: Logging))
        {
            keys = Path.Combine(host.DataDirectory, DataProtectionKeys.DirectoryName);
            await Eventually.TrueAsync(() => Directory.GetFiles(keys, "key-*.xml").Length == 1, "the first key is written at start");
            await Eventually.TrueAsync(() => logs.Lines.Any(l => l.Contains("[5520]", StringComparison.Ordinal)), "our line about the key");

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Directory.GetFiles(keys, "key-*.xml").Single()));
            key = Path.GetFileNameWithoutExtension(Directory.GetFiles(keys, "key-*.xml").Single())["key-".Length..];
        }

        string notice = Assert.Single(logs.Lines, l => l.Contains("[5520]", StringComparison.Ordinal));
        Assert.StartsWith("Information IplsWeb.Hosting.DataProtectionKeys[5520]", notice, StringComparison.Ordinal);
        Assert.Contains($"key {key} ", notice, StringComparison.Ordinal);
        Assert.Contains($"in {keys}:", notice, StringComparison.Ordinal);
        Assert.Contains("mode 0700", notice, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Lines, l => l.Contains("No XML encryptor", StringComparison.Ordinal) || l.Contains("XmlKeyManager[35]", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.StartsWith("Information Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager[", StringComparison.Ordinal) && l.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ALaterStart_KeepsTheKey_SaysNothingAgain_AndTightensADirectoryAndKeyLeftOpen()
    {
        string data = Directory.CreateTempSubdirectory("ipls-web-keys-").FullName;
        string keys = Path.Combine(data, DataProtectionKeys.DirectoryName);
        try
        {
            // The host's own temporary directory goes when it is disposed; this one is the test's.
            await using (var first = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0, extra: [$"--Dashboard:DataDirectory={data}"]))
            {
                await Eventually.TrueAsync(() => Directory.GetFiles(keys, "key-*.xml").Length == 1, "the first key is written at start");
            }

            string[] before = Directory.GetFiles(keys, "key-*.xml");
            File.SetUnixFileMode(keys, (UnixFileMode)0b111_101_101); // 0755, as the framework itself would make it
            File.SetUnixFileMode(before[0], (UnixFileMode)0b110_100_100); // 0644, as a restore from a backup may leave it
            var logs = new RecordingLoggerProvider();
            await using (var second = await DashboardHost.StartAsync(services => services.AddSingleton<ILoggerProvider>(logs), peers: 0, bootstrappers: 0, extra: [.. Logging, "--Logging:LogLevel:Microsoft.AspNetCore.DataProtection=Debug", $"--Dashboard:DataDirectory={data}"]))
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(before[0]));
            }

            Assert.Equal(before, Directory.GetFiles(keys, "key-*.xml")); // the same key: sign-ins survive the restart
            Assert.Contains(logs.Lines, l => l.Contains("XmlKeyManager[", StringComparison.Ordinal) && l.Contains(Path.GetFileNameWithoutExtension(before[0])["key-".Length..], StringComparison.Ordinal)); // it read the key
            Assert.DoesNotContain(logs.Lines, l => l.Contains("[5520]", StringComparison.Ordinal) || l.Contains("No XML encryptor", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public void AKeyPathThatIsNoDirectory_StopsTheStart_WithAClearError_AndReleasesTheDataDirectory()
    {
        string data = Directory.CreateTempSubdirectory("ipls-web-keys-").FullName;
        string keys = Path.Combine(data, DataProtectionKeys.DirectoryName);
        File.WriteAllText(keys, "not a directory");
        var (http, mqtt) = DashboardHost.TwoFreePorts();
        string[] args = [$"--Dashboard:HttpPort={http}", $"--Dashboard:MqttPort={mqtt}", $"--Dashboard:DataDirectory={data}", "--Dashboard:DemoFleet:Enabled=false"];
        try
        {
            var ex = Assert.Throws<DashboardConfigurationException>(() => DashboardApp.Build(args));

            Assert.StartsWith($"Dashboard:DataDirectory: the keys of sign-in cookies need {keys} as a directory", ex.Message, StringComparison.Ordinal);
            File.Delete(keys);
            using (DashboardApp.Build(args))
            {
                // the refused build released the data directory's lock
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
