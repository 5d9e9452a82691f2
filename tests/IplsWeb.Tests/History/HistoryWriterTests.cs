using IplsWeb.Fleet;
using IplsWeb.History;
using IplsWeb.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace IplsWeb.Tests.History;

/// <summary>The writer's queue and options (in the real dashboard: <see cref="DashboardHistoryContract"/>).</summary>
public sealed class HistoryWriterTests
{
    [Fact]
    public async Task AFullQueue_DropsAndCounts_WithoutBlockingTheCaller()
    {
        var options = new DashboardOptions { DataDirectory = Path.GetTempPath(), History = new HistoryOptions { QueueCapacity = 10 } };
        var fleet = new FleetState(TimeProvider.System);
        await using var store = new SqliteHistoryStore(Path.Combine(options.DataDirectory, "never-opened.db"));
        using var writer = new HistoryWriter(fleet, store, new RuntimeSettings(options), options, TimeProvider.System, NullLogger<HistoryWriter>.Instance);

        // Not started: nothing drains the queue, so the 11th row on is dropped.
        for (int i = 0; i < 25; i++)
        {
            fleet.Raise(FleetEventKind.Command, "test", $"event {i}");
        }

        Assert.Equal(15, writer.Dropped);
        Assert.Equal(0, writer.Written);
    }

    [Fact]
    public void HistoryOptions_OutOfRange_AreNamed()
    {
        Assert.Contains(new DashboardOptions { History = new HistoryOptions { QueueCapacity = 0 } }.Problems(), p => p.Contains("History:QueueCapacity", StringComparison.Ordinal));
        Assert.Contains(new DashboardOptions { History = new HistoryOptions { FlushInterval = TimeSpan.Zero } }.Problems(), p => p.Contains("FlushInterval", StringComparison.Ordinal));
    }

    [Fact]
    public void AnUnknownProvider_IsAStartError_NamingKeyAndValue()
    {
        var error = Assert.Throws<DashboardConfigurationException>(() => DashboardApp.Build(["--Dashboard:History:Provider=mysql", $"--Dashboard:DataDirectory={Path.GetTempPath()}"]));
        Assert.Contains("Dashboard:History:Provider = \"mysql\"", error.Message, StringComparison.Ordinal);
    }
}
