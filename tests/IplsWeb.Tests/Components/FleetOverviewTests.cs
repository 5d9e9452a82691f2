using Bunit;
using IplsCore.Control;
using IplsWeb.Components.Fleet;
using IplsWeb.Fleet;
using IplsWeb.History;
using IplsWeb.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace IplsWeb.Tests.Components;

/// <summary>The dense fleet overview with bUnit, a fake clock and the real fleet state: bounded work at 1,000 vehicles, order, filter.</summary>
public sealed class FleetOverviewTests : IAsyncDisposable
{
    private readonly BunitContext _context = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly FleetState _fleet;
    private readonly OverviewCounters _counters = new();

    public FleetOverviewTests()
    {
        _fleet = new FleetState(_time);
        _context.Services.AddMudServices();
        _context.Services.AddLogging();
        _context.Services.AddSignalR();
        _context.Services.AddSingleton<TimeProvider>(_time);
        _context.Services.AddSingleton(_fleet);
        _context.Services.AddSingleton(_counters);
        _context.Services.AddSingleton<AgentCommands>();
        var options = new DashboardOptions { DataDirectory = Path.GetTempPath() };
        _context.Services.AddSingleton(options);
        _context.Services.AddSingleton(new RuntimeSettings(options));
        _context.Services.AddSingleton<HistoryWriter>();
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public ValueTask DisposeAsync() => _context.DisposeAsync();

    private void Scores(int vehicles, Func<int, float> score, int count = 4)
    {
        long at = _time.GetUtcNow().ToUnixTimeMilliseconds();
        for (int i = 0; i < count; i++)
        {
            for (int v = 1; v <= vehicles; v++)
            {
                _fleet.OnScore(v, score(v), at + (i * 250));
            }
        }
    }

    // The browser's virtualizer reports what is on screen; here an 800 px tall table.
    private static async Task ShowViewportAsync(BunitContext context, IRenderedComponent<FleetTable> cut, float height = 800)
    {
        var init = context.JSInterop.Invocations["Blazor._internal.Virtualize.init"][^1];
        object helper = init.Arguments[0]!;
        object interop = helper.GetType().GetProperty("Value")!.GetValue(helper)!;
        var visible = interop.GetType().GetMethod("OnSpacerBeforeVisible")!;
        await cut.InvokeAsync(() => visible.Invoke(interop, [0f, 0f, height]));

    }

    private BunitContext NewContext(FleetState fleet, OverviewCounters counters)
    {
        var context = new BunitContext();
        context.Services.AddMudServices();
        context.Services.AddSingleton<TimeProvider>(_time);
        context.Services.AddSingleton(fleet);
        context.Services.AddSingleton(counters);
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        return context;
    }

    private async Task<(int RowsInPage, long RowsPerRefresh, long SparklinesPerRefresh, long Orders)> RefreshAtAsync(int vehicles)
    {
        var fleet = new FleetState(_time);
        var counters = new OverviewCounters();
        await using var context = NewContext(fleet, counters);
        long at = _time.GetUtcNow().ToUnixTimeMilliseconds();
        for (int v = 1; v <= vehicles; v++)
        {
            fleet.OnScore(v, 0.01f * (v % 10), at);
        }

        var cut = context.Render<FleetTable>();
        await ShowViewportAsync(context, cut);
        int rows = cut.FindAll("[data-testid=overview-row]").Count;

        // Ten refreshes, each after every vehicle sent a new score.
        long rowsBefore = counters.RowsRendered;
        long sparklinesBefore = counters.SparklinesComputed;
        long ordersBefore = counters.OrdersBuilt;
        for (int tick = 1; tick <= 10; tick++)
        {
            for (int v = 1; v <= vehicles; v++)
            {
                fleet.OnScore(v, 0.01f * ((v + tick) % 10), at + (tick * 1000));
            }

            long rendered = counters.RowsRendered;
            _time.Advance(TimeSpan.FromSeconds(1));
            cut.WaitForState(() => counters.RowsRendered > rendered, BunitWait.Timeout);
        }

        return (rows, (counters.RowsRendered - rowsBefore) / 10, (counters.SparklinesComputed - sparklinesBefore) / 10, counters.OrdersBuilt - ordersBefore);
    }

    [Fact]
    public async Task AtAThousandVehicles_OnlyTheRowsOnScreenRender_AndARefreshCostsWhatItCostsAtAHundred()
    {
        var hundred = await RefreshAtAsync(100);
        var thousand = await RefreshAtAsync(1000);

        // 800 px of 41 px rows is 20 rows, plus the virtualizer's overscan of 5 on each side.
        Assert.InRange(thousand.RowsInPage, 20, 31);
        Assert.Equal(hundred.RowsInPage, thousand.RowsInPage);
        Assert.InRange(thousand.RowsPerRefresh, 1, 31);
        Assert.Equal(hundred.RowsPerRefresh, thousand.RowsPerRefresh);
        Assert.Equal(hundred.SparklinesPerRefresh, thousand.SparklinesPerRefresh);
        // The whole fleet's order: rebuilt every 3 s, not on each of the ten refreshes.
        Assert.InRange(thousand.Orders, 3, 4);
    }

    [Fact]
    public async Task TheDefaultOrder_PutsAlertingAnomalousAndUnreachableFirst()
    {
        Scores(30, v => v switch { 7 => 0.5f, 12 => 0.1f, _ => 0.01f * (v % 5) }, count: 40);
        _fleet.OnRegistered(new AgentRegistration("vehicle-20", 20, IplsCore.Ipls.PeerRole.Peer, "1", "linux", "x64", "h", "{}"), "c-20");
        _fleet.OnDisconnected("c-20");
        _fleet.OnScore(12, 0.1f, _time.GetUtcNow().ToUnixTimeMilliseconds() + 20_000); // above now, no alert yet

        var cut = _context.Render<FleetTable>();
        await ShowViewportAsync(_context, cut);

        var order = cut.FindAll("[data-testid=overview-row]").Select(r => r.GetAttribute("data-vehicle")).ToList();
        Assert.Equal(["7", "12", "20"], order.Take(3));
        Assert.Contains("since", cut.FindAll("[data-testid=row-alert]")[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("unreachable", cut.FindAll("[data-testid=overview-row]")[2].QuerySelector("[data-testid=agent-state]")!.TextContent.Trim());
        Assert.Contains("above the threshold", cut.FindAll("[data-testid=sparkline]")[0].GetAttribute("aria-label"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheOperator_SortsByShareAbove_AndFiltersByNameAndState()
    {
        Scores(40, v => v % 8 == 0 ? 0.2f : 0.01f, count: 4);
        Scores(40, v => v == 16 ? 0.2f : 0.01f, count: 12); // vehicle 16 is above more often than 8, 24, 32, 40

        var cut = _context.Render<FleetTable>();
        await ShowViewportAsync(_context, cut);
        cut.Find("[data-testid=sort-share]").Click();

        var rows = cut.FindAll("[data-testid=overview-row]");
        Assert.Equal("16", rows[0].GetAttribute("data-vehicle"));
        Assert.Equal("descending", cut.Find("[data-testid=sort-share]").ParentElement!.GetAttribute("aria-sort"));

        cut.Find("input[data-testid=overview-filter]").Input("vehicle 3");
        _time.Advance(TimeSpan.FromSeconds(1)); // MudBlazor's debounce runs on the injected clock
        cut.WaitForAssertion(() => Assert.Equal(["3", "30", "31", "32", "33", "34", "35", "36", "37", "38", "39"],
            cut.FindAll("[data-testid=overview-row]").Select(r => r.GetAttribute("data-vehicle")).Order(StringComparer.Ordinal)), BunitWait.Timeout);
        Assert.Contains("11 of 40 vehicles", cut.Find("[data-testid=overview-count]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void TheStateFilter_KeepsOnlyVehiclesInThatState()
    {
        Scores(10, v => v == 4 ? 0.5f : 0.01f, count: 40);
        _fleet.OnRegistered(new AgentRegistration("vehicle-2", 2, IplsCore.Ipls.PeerRole.Peer, "1", "linux", "x64", "h", "{}"), "c-2");
        _fleet.OnDisconnected("c-2");
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();

        Assert.Equal([4], VehicleOrder.Build(_fleet, now, OverviewSort.Attention, false, null, OverviewFilter.Alerting).Vehicles);
        Assert.Equal([2], VehicleOrder.Build(_fleet, now, OverviewSort.Attention, false, null, OverviewFilter.Unreachable).Vehicles);
        Assert.Equal([4, 2, 1, 3], VehicleOrder.Build(_fleet, now, OverviewSort.Attention, false, null, OverviewFilter.All).Vehicles[..4]);
        Assert.Equal([10, 9, 8], VehicleOrder.Build(_fleet, now, OverviewSort.Vehicle, true, null, OverviewFilter.All).Vehicles[..3]);
    }

    [Theory]
    [InlineData(24, null, false)]
    [InlineData(25, null, true)]
    [InlineData(64, "cards", false)]
    [InlineData(4, "list", true)]
    public void TheOverview_ShowsCardsForSmallFleets_AndTheListBeyond_UnlessTheOperatorChose(int vehicles, string? view, bool list)
    {
        Scores(vehicles, _ => 0.01f, count: 1);
        var navigation = _context.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        navigation.NavigateTo(view is null ? "/" : $"/?view={view}");

        var cut = _context.Render<IplsWeb.Components.Pages.Home>();

        Assert.Equal(list, cut.FindAll("[data-testid=fleet-table]").Count == 1);
        Assert.Equal(list ? 0 : vehicles, cut.FindAll("[data-testid^=vehicle-card-]").Count);
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public void TheCardsUpToSetting_DecidesWhereTheListTakesOver(int vehicles, bool list)
    {
        // The options as the host reads them from its command line.
        var configuration = new ConfigurationBuilder().AddCommandLine(["--Dashboard:Overview:CardsUpTo=2"]).Build();
        _context.Services.AddSingleton(DashboardOptionsValidation.Read(configuration));
        Scores(vehicles, _ => 0.01f, count: 1);

        var cut = _context.Render<IplsWeb.Components.Pages.Home>();

        Assert.Equal(list, cut.FindAll("[data-testid=fleet-table]").Count == 1);
        Assert.Equal(list ? 0 : vehicles, cut.FindAll("[data-testid^=vehicle-card-]").Count);
    }
}
