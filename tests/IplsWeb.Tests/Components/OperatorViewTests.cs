using System.Text.Json;
using Bunit;
using IplsCore.Control;
using IplsWeb.Components.Charts;
using IplsWeb.Components.Common;
using IplsWeb.Components.Fleet;
using IplsWeb.Fleet;
using IplsWeb.History;
using IplsWeb.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.JSInterop;
using MudBlazor.Services;

namespace IplsWeb.Tests.Components;

/// <summary>The operator's views with bUnit, a fake clock and the real fleet state.</summary>
public sealed class OperatorViewTests : IAsyncDisposable
{
    private readonly BunitContext _context = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly FleetState _fleet;
    private readonly BunitJSModuleInterop _module;

    public OperatorViewTests()
    {
        _fleet = new FleetState(_time);
        _context.Services.AddMudServices();
        _context.Services.AddLogging();
        _context.Services.AddSignalR();
        _context.Services.AddSingleton<TimeProvider>(_time);
        _context.Services.AddSingleton(_fleet);
        _context.Services.AddSingleton<AgentCommands>();
        var options = new DashboardOptions { DataDirectory = Path.GetTempPath() };
        _context.Services.AddSingleton(options);
        _context.Services.AddSingleton(new RuntimeSettings(options));
        // Never opened (no host starts the writer): the history chart shows "History unavailable".
        _context.Services.AddSingleton<IHistoryStore>(new SqliteHistoryStore(Path.Combine(Path.GetTempPath(), "ipls-never-opened.db")));
        _context.Services.AddSingleton<HistoryWriter>();
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _module = _context.JSInterop.SetupModule("./js/timeSeriesChart.js");
        _module.Setup<int>("create", _ => true).SetResult(1);
        _module.SetupVoid("append", _ => true).SetVoidResult();
        _module.SetupVoid("setData", _ => true).SetVoidResult();
        _module.SetupVoid("setThreshold", _ => true).SetVoidResult();
    }

    public ValueTask DisposeAsync() => _context.DisposeAsync();

    private static AgentStatusReport Status(string id, int vehicle, AgentRunState state, bool shared = false) => new()
    {
        AgentId = id,
        Vehicle = vehicle,
        Role = IplsCore.Ipls.PeerRole.Peer,
        State = state,
        At = DateTimeOffset.UnixEpoch,
        Synchronized = true,
        BrokerConnected = true,
        RoundsDone = 1,
        Threshold = 0.08,
        SamplesScored = 1,
        ScoresAboveThreshold = 0,
        GeneratorMode = "normal",
        Partitions = [],
        Peers = [],
        Rejected = AgentRejections.None,
        CpuPercent = 50,
        MemoryMb = 100,
        SharedProcess = shared,
    };

    private void Agent(string id, int vehicle, AgentRunState state, bool connected = true)
    {
        _fleet.OnRegistered(new AgentRegistration(id, vehicle, IplsCore.Ipls.PeerRole.Peer, "1", "linux", "x64", "h", "{}"), "c-" + id);
        _fleet.OnStatus(Status(id, vehicle, state));
        if (!connected)
        {
            _fleet.OnDisconnected("c-" + id);
        }
    }

    [Fact]
    public void AChartWhoseScriptDidNotLoad_SaysSo_AndThePageLivesOn()
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Strict;
        var module = context.JSInterop.SetupModule("./js/timeSeriesChart.js");
        module.Setup<int>("create", _ => true).SetException(new JSException("ApexCharts is not defined"));

        var cut = context.Render<TimeSeriesChart>(p => p.Add(c => c.SeriesNames, ["score"]).Add(c => c.AccessibleName, "score of vehicle 1"));

        cut.WaitForAssertion(() => Assert.Contains("ApexCharts is not defined", cut.Find("[data-testid=chart-unavailable]").TextContent, StringComparison.Ordinal), BunitWait.Timeout);
        Assert.Equal(Task.CompletedTask.Status, cut.InvokeAsync(() => cut.Instance.AppendAsync([[new ChartPoint(1, 0.1)]])).Status);
        context.Dispose();
    }

    [Fact]
    public void TheLiveScoreChart_AppendsOnTheInjectedClock_InOneBatch()
    {
        var cut = _context.Render<LiveScoreChart>(p => p.Add(c => c.Vehicle, 1));
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        for (int i = 0; i < 8; i++)
        {
            _fleet.OnScore(1, 0.01f * i, now + (i * 100));
        }

        Assert.Empty(_module.Invocations["append"]);
        _time.Advance(TimeSpan.FromSeconds(1));

        cut.WaitForAssertion(() => Assert.Single(_module.Invocations["append"]), BunitWait.Timeout);
        Assert.Single(_module.Invocations["create"]);
        Assert.Contains("vehicle 1", cut.Find("[data-testid=score-chart-1]").GetAttribute("aria-label"), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryChart_NamesItsAxes_WithTheUnitAndTheTimeZone()
    {
        _context.Render<LiveScoreChart>(p => p.Add(c => c.Vehicle, 1));
        _context.Render<LiveSensorChart>(p => p.Add(c => c.Vehicle, 1));
        _context.Render<ScoreHistory>(p => p.Add(c => c.Vehicle, 1));

        var created = _module.Invocations["create"].Select(i => JsonSerializer.SerializeToElement(i.Arguments[1])).ToList();
        Assert.Equal(3, created.Count);
        string zone = Times.ZoneName(DateTimeOffset.UtcNow, TimeZoneInfo.Local);
        Assert.All(created, o => Assert.Equal($"time ({zone})", o.GetProperty("xTitle").GetString()));
        Assert.Equal(2, created.Count(o => o.GetProperty("yTitle").GetString() == "anomaly score (reconstruction MSE, no unit)"));
        Assert.Single(created, o => o.GetProperty("yTitle").GetString()!.StartsWith("sensor value (raw", StringComparison.Ordinal));
    }

    [Fact]
    public void TheHistoryChart_MovesItsThresholdLine_WhenTheThresholdChanges()
    {
        _fleet.Threshold = 0.08;
        var cut = _context.Render<ScoreHistory>(p => p.Add(c => c.Vehicle, 1));

        _fleet.Threshold = 0.2;

        cut.WaitForAssertion(() => Assert.Contains(_module.Invocations["setThreshold"], i => (double?)i.Arguments[1] == 0.2), BunitWait.Timeout);
    }

    [Fact]
    public void TheHeader_CountsRunningStoppedUnreachableAndAlerting()
    {
        Agent("vehicle-1", 1, AgentRunState.Running);
        Agent("vehicle-2", 2, AgentRunState.Running);
        Agent("vehicle-3", 3, AgentRunState.Stopped);
        Agent("vehicle-4", 4, AgentRunState.Running, connected: false);
        long at = _time.GetUtcNow().ToUnixTimeMilliseconds();
        for (int i = 0; i < 20; i++)
        {
            _fleet.OnScore(2, 0.5f, at + (i * 250));
        }

        var cut = _context.Render<FleetSummary>();

        Assert.Equal("2 running", cut.Find("[data-testid=count-running]").TextContent.Trim());
        Assert.Equal("1 stopped", cut.Find("[data-testid=count-stopped]").TextContent.Trim());
        Assert.Equal("1 unreachable", cut.Find("[data-testid=count-unreachable]").TextContent.Trim());
        Assert.Equal("1 alerting", cut.Find("[data-testid=alert-badge]").TextContent.Trim());
    }

    [Fact]
    public void AStoppedVehiclesCard_SaysSinceWhen_AndItsSwitchIsNamedWithTheVehicle()
    {
        Agent("vehicle-3", 3, AgentRunState.Stopped);

        var cut = _context.Render<VehicleCard>(p => p.Add(c => c.Vehicle, 3));

        Assert.Contains("stopped", cut.Find("[data-testid=health-detail]").TextContent, StringComparison.Ordinal);
        Assert.Contains("UTC", cut.Find("[data-testid=health-detail]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Vehicle 3: send anomaly data", cut.Find("input[data-testid=mode-switch]").GetAttribute("aria-label"));
    }

    [Fact]
    public void ACard_NamesTheVehicleOnce_ExplainsTheLoss_AndCountsPeersAndBootstrappersApart()
    {
        _fleet.OnRegistered(new AgentRegistration("vehicle-2", 2, IplsCore.Ipls.PeerRole.Peer, "1", "linux", "x64", "h", "{}"), "c-2");
        _fleet.OnStatus(Status("vehicle-2", 2, AgentRunState.Running) with
        {
            LastLoss = 2.15f,
            Peers = [new("vehicle-1", IplsCore.Ipls.PeerRole.Peer, 1), new("vehicle-3", IplsCore.Ipls.PeerRole.Peer, 1), new("boot-900", IplsCore.Ipls.PeerRole.Bootstrapper, 1)],
        });

        var cut = _context.Render<VehicleCard>(p => p.Add(c => c.Vehicle, 2));

        string header = cut.Find(".mud-card-header").TextContent;
        Assert.Contains("Vehicle 2", header, StringComparison.Ordinal);
        Assert.DoesNotContain("vehicle-2", header, StringComparison.Ordinal); // not "Vehicle 2 vehicle-2"
        Assert.Equal("2 peers, 1 bootstrapper", cut.Find("[data-testid=in-contact]").TextContent.Trim());
        var loss = cut.Find("[data-testid=training-loss]");
        Assert.Equal("training loss", loss.PreviousElementSibling!.TextContent.Trim());
        Assert.Contains("not comparable with the scores", loss.GetAttribute("title"), StringComparison.Ordinal);
    }

    [Fact]
    public void ARestartingAgent_SaysRestarting_UntilItAnswers()
    {
        Agent("vehicle-1", 1, AgentRunState.Running);
        _fleet.SetRestarting("vehicle-1", true);
        var cut = _context.Render<AgentStateChip>(p => p.Add(c => c.Agent, _fleet.Agent("vehicle-1")));
        Assert.Equal("restarting", cut.Find("[data-testid=agent-state]").TextContent.Trim());

        _fleet.SetRestarting("vehicle-1", false);
        cut.Render();
        Assert.Equal("running", cut.Find("[data-testid=agent-state]").TextContent.Trim());
    }

    [Fact]
    public void AVehicleInAnAlert_ShowsItAndHowFarTheScoreCameDown()
    {
        Agent("vehicle-2", 2, AgentRunState.Running);
        long at = _time.GetUtcNow().ToUnixTimeMilliseconds();
        for (int i = 0; i < 40; i++)
        {
            _fleet.OnScore(2, 0.5f, at + (i * 250));
        }

        for (int i = 40; i < 44; i++)
        {
            _fleet.OnScore(2, 0.2f, at + (i * 250));
        }

        var cut = _context.Render<VehicleCard>(p => p.Add(c => c.Vehicle, 2));

        string text = cut.Find("[data-testid=adapting]").TextContent;
        Assert.Contains("adapting", text, StringComparison.Ordinal);
        Assert.Contains("down", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TheConfigEditor_DoesNotShowSecrets()
    {
        string shown = IplsWeb.Components.Pages.Agents.ForEditor("""{ "vehicle": 2, "fleetToken": "the-fleet-token-0123456789", "mqttPassword": "pw", "epochs": 5 }""");

        Assert.DoesNotContain("the-fleet-token", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("mqttPassword", shown, StringComparison.Ordinal);
        Assert.Contains("\"epochs\": 5", shown, StringComparison.Ordinal);
    }
}
