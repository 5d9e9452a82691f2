using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using IplsWeb.Fleet;
using IplsWeb.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace IplsWeb.Tests.Identity;

/// <summary>Guessing from one address is slowed and then banned; other addresses are not affected; the history gets one event, not thousands.</summary>
public sealed partial class ThrottleTests
{
    private static readonly string[] OffLoopback = ["--Dashboard:BindAddress=0.0.0.0", "--Dashboard:AdminPassword=correct-horse", "--Dashboard:BrokerPassword=broker-secret"];
    private static readonly IPAddress Attacker = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress Legitimate = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task WrongPasswords_FromOneAddress_AreCheckedOnlyAFewTimes_WhileAnotherAddressConnectsAtOnce()
    {
        // Banned at the 5th failure: 3 free, a wait of 250 ms after the 4th, then the ban. Guessing for at
        // least a second gets there on any machine, so the attacker's last try meets the ban, never the
        // end of a wait (which a slow machine could reach and then let the right password through).
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0, extra: [.. OffLoopback, "--Dashboard:Identity:Throttle:BanAfter=5"]);
        var password = host.Services.GetRequiredService<VehicleCredentials>().Password(4);

        var codes = new List<int>();
        var guessing = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 200 || guessing.Elapsed < TimeSpan.FromSeconds(1); i++)
        {
            codes.Add(await RawMqtt.ConnAckAsync(host.MqttPort, RawMqtt.Connect($"guess-{i}", true, "vehicle-4", $"guess-{i}"), Attacker));
        }

        int legitimate = await RawMqtt.ConnAckAsync(host.MqttPort, RawMqtt.Connect("real-4", true, "vehicle-4", password), Legitimate);
        int rightPasswordFromTheAttacker = await RawMqtt.ConnAckAsync(host.MqttPort, RawMqtt.Connect("late", true, "vehicle-4", password), Attacker);

        Assert.Equal(0, legitimate);
        Assert.Equal(5, codes.Count(c => c == 4)); // checked (bad credentials): the 3 free failures, one after the wait, the one that bans
        Assert.DoesNotContain(0, codes);
        Assert.NotEqual(0, rightPasswordFromTheAttacker); // banned: not even the right password is checked
        var events = host.Fleet.Events().Where(e => e.Kind == FleetEventKind.Rejected && e.Subject == "broker").ToList();
        Assert.InRange(events.Count, 1, 2);
    }

    [Fact]
    public async Task WrongSignIns_InParallel_AreCheckedOnlyAFewTimes_AndAnotherAddressSignsInAtOnce()
    {
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0, extra: OffLoopback);
        using var attacker = Browser(host, Attacker);

        // One form first: parallel GETs would each set a new antiforgery cookie in the one cookie jar and
        // leave most tokens unpaired (400), which tests antiforgery, not the throttle.
        string token = await AntiforgeryTokenAsync(attacker.Http);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => PostSignInAsync(attacker.Http, $"guess-{i}", token)));
        using var legitimate = Browser(host, Legitimate);
        var right = await SignInAsync(legitimate.Http, "correct-horse");

        Assert.InRange(outcomes.Count(o => o.Contains("failed=1", StringComparison.Ordinal)), 1, 10);
        Assert.Contains(outcomes, o => o.Contains("failed=2", StringComparison.Ordinal));
        Assert.Equal("/agents", right);
        Assert.InRange(host.Fleet.Events().Count(e => e.Kind == FleetEventKind.Rejected && e.Subject == "sign-in"), 1, 2);
    }

    [Fact]
    public void TheDelay_DoublesAfterTheFreeFailures_AndEndsInABan()
    {
        var time = new ManualTime();
        var throttle = new AuthThrottle(new ThrottleOptions { FreeFailures = 2, BaseDelay = TimeSpan.FromSeconds(1), BanAfter = 6, BanDuration = TimeSpan.FromMinutes(5) }, time);
        var a = IPAddress.Parse("10.0.0.1");

        throttle.Failed(a);
        throttle.Failed(a);
        Assert.True(throttle.Check(a).IsAllowed);
        throttle.Failed(a); // 1 s
        Assert.Equal(TimeSpan.FromSeconds(1), throttle.Check(a).RetryAfter);
        time.Advance(TimeSpan.FromSeconds(1));
        throttle.Failed(a); // 2 s
        Assert.Equal(TimeSpan.FromSeconds(2), throttle.Check(a).RetryAfter);
        Assert.True(throttle.Check(IPAddress.Parse("10.0.0.2")).IsAllowed);
        Assert.True(throttle.Check(IPAddress.Parse("::ffff:10.0.0.2")).IsAllowed);
        Assert.False(throttle.Check(IPAddress.Parse("::ffff:10.0.0.1")).IsAllowed);
        throttle.Failed(a);
        throttle.Failed(a); // the 6th: banned
        Assert.Equal(ThrottleState.Banned, throttle.Check(a).State);
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.True(throttle.Check(a).IsAllowed);
    }

    private static (HttpClient Http, IDisposable Handler) BrowserPair(DashboardHost host, IPAddress local)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = new CookieContainer(),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        return (new HttpClient(handler) { BaseAddress = host.Url }, handler);
    }

    private static Session Browser(DashboardHost host, IPAddress local)
    {
        var (http, handler) = BrowserPair(host, local);
        return new Session(http, handler);
    }

    private static async Task<string> SignInAsync(HttpClient http, string password) => await PostSignInAsync(http, password, await AntiforgeryTokenAsync(http));

    /// <summary>Loads the sign-in form (which sets the antiforgery cookie) and returns the form's token.</summary>
    private static async Task<string> AntiforgeryTokenAsync(HttpClient http)
    {
        string form = await http.GetStringAsync("/login?returnUrl=%2Fagents");
        return AntiforgeryField().Match(form).Groups[1].Value;
    }

    private static async Task<string> PostSignInAsync(HttpClient http, string password, string token)
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["password"] = password,
            ["returnUrl"] = "/agents",
            ["__RequestVerificationToken"] = token,
        });
        var response = await http.PostAsync("/auth/login", content);
        return response.Headers.Location?.ToString() ?? response.StatusCode.ToString();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private sealed record Session(HttpClient Http, IDisposable Handler) : IDisposable
    {
        public void Dispose()
        {
            Http.Dispose();
            Handler.Dispose();
        }
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
