using System.Net;
using System.Text.RegularExpressions;
using IplsWeb.Fleet;
using IplsWeb.Hosting;
using MQTTnet;

namespace IplsWeb.Tests;

/// <summary>Off loopback: sign-in for the UI, credentials for the broker, and no start without them.</summary>
public sealed partial class DashboardSecurityTests
{
    private static readonly string[] OffLoopback = ["--Dashboard:BindAddress=0.0.0.0", "--Dashboard:AdminPassword=correct-horse", "--Dashboard:BrokerPassword=broker-secret"];

    [Fact]
    public void OffLoopback_WithoutPasswords_DoesNotStart_AndSaysWhatIsMissing()
    {
        var ex = Assert.Throws<DashboardConfigurationException>(() => DashboardApp.Build(["--Dashboard:BindAddress=0.0.0.0", $"--Dashboard:DataDirectory={Path.GetTempPath()}"]));
        var compatibility = Assert.Throws<DashboardConfigurationException>(() => DashboardApp.Build(["--Dashboard:BindAddress=0.0.0.0", "--Dashboard:Identity:Mode=Compatibility", $"--Dashboard:DataDirectory={Path.GetTempPath()}"]));

        Assert.Contains("Dashboard:AdminPassword", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Dashboard:BrokerPassword", ex.Message, StringComparison.Ordinal); // per-vehicle mode: the shared credential is optional (the operator's)
        Assert.Contains("Dashboard:BrokerPassword", compatibility.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OffLoopback_TheUiNeedsSignIn_WithTheConfiguredPassword()
    {
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0, extra: OffLoopback);
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var http = new HttpClient(handler) { BaseAddress = host.Url };

        var anonymous = await http.GetAsync("/agents");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/login", anonymous.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        var wrong = await SignInAsync(http, "guess");
        Assert.Contains("failed=1", wrong.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Contains(host.Fleet.Events(), e => e.Kind == FleetEventKind.Rejected && e.Subject == "sign-in");

        var right = await SignInAsync(http, "correct-horse");
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal("/agents", right.Headers.Location!.ToString());
        var page = await http.GetAsync("/agents");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task OffLoopback_TheBrokerDemandsCredentials_AndTheDemoFleetHasThem()
    {
        await using var host = await DashboardHost.StartAsync(peers: 1, bootstrappers: 0, extra: OffLoopback);
        using var client = new MqttClientFactory().CreateMqttClient();

        string outcome;
        try
        {
            outcome = (await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", host.MqttPort).WithCredentials("ipls", "nope").Build())).ResultCode.ToString();
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException ex)
        {
            outcome = ex.Message;
        }

        Assert.Contains("BadUserNameOrPassword", outcome, StringComparison.Ordinal);
        Assert.False(client.IsConnected);
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", host.MqttPort).WithCredentials("ipls", "broker-secret").Build());
        Assert.True(client.IsConnected);

        await Eventually.TrueAsync(() => host.Fleet.Vehicle(1).ScoresReceived > 5, "the demo agent (with credentials) publishes scores");
        Assert.Contains(host.Fleet.Events(), e => e.Kind == FleetEventKind.Rejected && e.Subject == "broker");
    }

    [Theory]
    [InlineData("/\\evil.example")]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example/")]
    public async Task SignIn_WithAForeignReturnUrl_GoesHome_NeverAnError(string returnUrl)
    {
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0, extra: OffLoopback);
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var http = new HttpClient(handler) { BaseAddress = host.Url };

        var response = await SignInAsync(http, "correct-horse", returnUrl); // "/\\evil.example" answered 500

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.ToString());
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient http, string password, string returnUrl = "/agents")
    {
        // The form carries an antiforgery token (and its cookie); read it from the sign-in page like a browser.
        string form = await http.GetStringAsync("/login?returnUrl=%2Fagents");
        string token = AntiforgeryField().Match(form).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token), "the sign-in form has an antiforgery token");
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["password"] = password,
            ["returnUrl"] = returnUrl,
            ["__RequestVerificationToken"] = token,
        });
        return await http.PostAsync("/auth/login", content);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
