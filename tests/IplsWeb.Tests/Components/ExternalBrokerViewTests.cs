using Bunit;
using IplsWeb.Broker;
using IplsWeb.Components.Common;
using IplsWeb.Components.Pages;
using IplsWeb.Fleet;
using IplsWeb.History;
using IplsWeb.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor.Services;

namespace IplsWeb.Tests.Components;

/// <summary>The external broker's state in the header and on Settings, with a real client whose broker is down; never its password.</summary>
public sealed class ExternalBrokerViewTests : IAsyncDisposable
{
    private const string Password = "view-test-broker-secret-51e0";
    private readonly BunitContext _context = new();
    private readonly ExternalBrokerClient _client;
    private readonly int _port = IplsCore.Tests.Transport.Brokers.FreePort();

    public ExternalBrokerViewTests()
    {
        var options = new DashboardOptions
        {
            DataDirectory = Path.GetTempPath(),
            Broker = new BrokerOptions
            {
                Mode = BrokerMode.External,
                External = new ExternalBrokerOptions { Url = $"mqtt://127.0.0.1:{_port}", Username = "dashboard", Password = Password, ReconnectMinDelay = TimeSpan.FromMilliseconds(100), ReconnectMaxDelay = TimeSpan.FromMilliseconds(500) },
            },
        };
        var fleet = new FleetState(TimeProvider.System);
        var history = new HistoryWriter(fleet, new SqliteHistoryStore(Path.Combine(Path.GetTempPath(), "ipls-never-opened.db")), new RuntimeSettings(options), options, TimeProvider.System, NullLogger<HistoryWriter>.Instance);
        _client = new ExternalBrokerClient(options, new BrokerIngest(fleet, TimeProvider.System, NullLogger<BrokerIngest>.Instance), history, fleet, TimeProvider.System, NullLogger<ExternalBrokerClient>.Instance);
        _context.Services.AddMudServices();
        _context.Services.AddLogging();
        _context.Services.AddSignalR();
        _context.Services.AddSingleton(TimeProvider.System);
        _context.Services.AddSingleton(fleet);
        _context.Services.AddSingleton(options);
        _context.Services.AddSingleton(new RuntimeSettings(options));
        _context.Services.AddSingleton<AgentCommands>();
        _context.Services.AddSingleton<FleetSettings>();
        _context.Services.AddSingleton(new FleetSecret("view-test-fleet-token-0123456789"));
        _context.Services.AddSingleton(_client);
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public async ValueTask DisposeAsync()
    {
        await _client.StoppingAsync(CancellationToken.None);
        _client.Dispose();
        await _context.DisposeAsync();
    }

    [Fact]
    public async Task WhileTheBrokerIsDown_TheHeaderSaysSo_AndSettingsShowsTheStateAndError_NotThePassword()
    {
        var badge = _context.Render<BrokerLinkBadge>();
        Assert.Contains("broker connecting", badge.Find("[data-testid=broker-link]").TextContent, StringComparison.Ordinal);

        await _client.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => _client.Status.LastError is not null, "a failed connect is recorded");
        var settings = _context.Render<Settings>();
        Assert.Contains("connecting", settings.Find("[data-testid=broker-state]").TextContent, StringComparison.Ordinal);
        Assert.NotEqual("–", settings.Find("[data-testid=broker-error]").TextContent.Trim());
        Assert.Contains($"mqtt://127.0.0.1:{_port}", settings.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, settings.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, badge.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void InEmbeddedMode_TheHeaderShowsNothing()
    {
        using var embedded = new BunitContext();
        embedded.Services.AddSingleton(TimeProvider.System);
        var badge = embedded.Render<BrokerLinkBadge>();
        Assert.Empty(badge.FindAll("[data-testid=broker-link]"));
    }
}
