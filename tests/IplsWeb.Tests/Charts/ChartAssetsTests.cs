using System.Net;

namespace IplsWeb.Tests.Charts;

/// <summary>
/// The chart library is restored from npm and copied under wwwroot/lib by the build; it must be a
/// static web asset of that same build, served next to the chart module.
/// </summary>
public sealed class ChartAssetsTests
{
    [Theory]
    [InlineData("lib/apexcharts/apexcharts.min.js", "ApexCharts")]
    [InlineData("js/timeSeriesChart.js", "export function create")]
    public async Task ScriptIsServed(string path, string expected)
    {
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0);
        using var http = new HttpClient { BaseAddress = host.Url };

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("javascript", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChartCheckPage_LoadsTheLibrary()
    {
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0);
        using var http = new HttpClient { BaseAddress = host.Url };

        string html = await http.GetStringAsync(new Uri("dev/chart-check", UriKind.Relative));

        Assert.Contains("lib/apexcharts/apexcharts.min", html, StringComparison.Ordinal);
    }
}
