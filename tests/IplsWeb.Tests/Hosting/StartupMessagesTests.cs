using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace IplsWeb.Tests.Hosting;

/// <summary>What a new user sees first: the start-up log of <c>dotnet run</c>, and a page without a missing icon.</summary>
public sealed partial class StartupMessagesTests(ITestOutputHelper output)
{
    [Fact]
    public async Task DotnetRun_AnnouncesTheBrokerAsMqtt_AndWarnsAboutNoAddress()
    {
        string data = Directory.CreateTempSubdirectory("ipls-web-startup-").FullName;
        var (httpPort, mqttPort) = DashboardHost.TwoFreePorts();
        var start = DotnetRun(data, httpPort, mqttPort, "--Dashboard:DemoFleet:Enabled=false");
        foreach (string variable in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "DOTNET_URLS", "ASPNETCORE_ENVIRONMENT" })
        {
            start.Environment.Remove(variable); // a user's shell has none of these; the launch profile sets the environment
        }

        var lines = new ConcurrentQueue<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Eventually.TrueAsync(() => lines.Any(l => l.Contains("Application started", StringComparison.Ordinal)) || process.HasExited, "the dashboard started", seconds: 120);
        }
        finally
        {
            process.Kill(entireProcessTree: true); // ours: dotnet run and the dashboard it started
            await process.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
        }

        string log = string.Join('\n', lines);
        output.WriteLine(log);
        Assert.Contains("Application started", log, StringComparison.Ordinal);
        Assert.Contains($"MQTT on mqtt://127.0.0.1:{mqttPort}", log, StringComparison.Ordinal);
        Assert.Contains($"ws://127.0.0.1:{httpPort}/mqtt", log, StringComparison.Ordinal);
        Assert.Contains($"Now listening on: http://127.0.0.1:{httpPort}", log, StringComparison.Ordinal);
        Assert.DoesNotContain($"http://127.0.0.1:{mqttPort}", log, StringComparison.Ordinal); // the broker is not a web server
        Assert.DoesNotContain("Overriding address", log, StringComparison.Ordinal);
        Assert.DoesNotContain("No XML encryptor configured", log, StringComparison.Ordinal); // the first start's key: our line instead
        Assert.Contains($"stored unencrypted in {Path.Combine(data, "keys")}: only the dashboard's user may open", log, StringComparison.Ordinal);

        void Record(string? line)
        {
            if (line is not null)
            {
                lines.Enqueue(line);
            }
        }
    }

    [Fact]
    public async Task ABadOverviewSetting_StopsDotnetRun_WithExitCode2_AndSaysWhy()
    {
        string data = Directory.CreateTempSubdirectory("ipls-web-bad-setting-").FullName;
        var (httpPort, mqttPort) = DashboardHost.TwoFreePorts();
        var start = DotnetRun(data, httpPort, mqttPort, "--Dashboard:Overview:CardsUpTo=0");
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true); // ours
            }

            Directory.Delete(data, recursive: true);
        }

        output.WriteLine(await stdout + await error);
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("Dashboard:Overview:CardsUpTo = 0: 1–500", await error, StringComparison.Ordinal);
    }

    /// <summary>As the README starts it: dotnet run, with the launch profile (Development), on a build of this configuration.</summary>
    private static ProcessStartInfo DotnetRun(string dataDirectory, int httpPort, int mqttPort, params string[] settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                "run", "--no-build", "-c", Configuration, "--project", Path.Combine(RepositoryRoot, "IplsWeb", "IplsWeb.csproj"), "--",
                $"--Dashboard:HttpPort={httpPort}", $"--Dashboard:MqttPort={mqttPort}", $"--Dashboard:DataDirectory={dataDirectory}",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string setting in settings)
        {
            start.ArgumentList.Add(setting);
        }

        return start;
    }

    [Fact]
    public async Task EveryPage_NamesItsIcon_AndTheIconIsServed_SoNoBrowserAsksForAMissingFaviconIco()
    {
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0);
        using var http = new HttpClient { BaseAddress = host.Url };

        string page = await http.GetStringAsync("/");
        var link = IconLink().Match(page);
        Assert.True(link.Success, "the page links an icon (without one a browser asks for /favicon.ico)");
        using var icon = await http.GetAsync(link.Groups[1].Value);

        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.Equal("image/svg+xml", icon.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<svg", await icon.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // off loopback, before any sign-in: the sign-in page wants its icon too
    public async Task ADirectGetOfFaviconIco_EndsAtTheSvgIcon_ThroughAPermanentRedirect(bool offLoopback)
    {
        string[] extra = offLoopback ? ["--Dashboard:BindAddress=0.0.0.0", "--Dashboard:AdminPassword=correct-horse", "--Dashboard:BrokerPassword=broker-secret"] : [];
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0, extra: extra);
        using var http = new HttpClient { BaseAddress = host.Url };
        using var raw = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.Url };

        using var icon = await http.GetAsync("/favicon.ico");
        using var first = await raw.GetAsync("/favicon.ico");
        using var head = await raw.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/favicon.ico"));

        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.Equal("image/svg+xml", icon.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<svg", await icon.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.MovedPermanently, first.StatusCode);
        Assert.Equal("/favicon.svg", first.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.MovedPermanently, head.StatusCode);
    }

    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    private static string RepositoryRoot
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "IplsWeb.sln")))
            {
                root = root.Parent;
            }

            return root!.FullName;
        }
    }

    [GeneratedRegex("<link rel=\"icon\"[^>]*href=\"([^\"]+)\"")]
    private static partial Regex IconLink();
}
