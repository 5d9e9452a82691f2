using IplsWeb.Components.Charts;
using Microsoft.AspNetCore.Components;

namespace IplsWeb.Components.Pages;

/// <summary>Feeds the check page's one chart with synthetic scores: one every 250 ms, every 8th above the threshold.</summary>
public sealed partial class ChartCheck : IDisposable
{
    private const double Threshold = IplsCore.Engine.AnomalyThreshold.Default;
    private static readonly IReadOnlyList<string> Names = ["score"];
    private TimeSeriesChart? _chart;
    private ITimer? _timer;
    private int _n;

    [Inject]
    private IWebHostEnvironment Environment { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    public void Dispose() => _timer?.Dispose();

    protected override void OnInitialized()
    {
        if (Environment.IsDevelopment())
        {
            _timer = Time.CreateTimer(_ => _ = InvokeAsync(PushAsync), null, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
        }
    }

    protected override bool ShouldRender() => false;

    private async Task PushAsync()
    {
        if (_chart is null)
        {
            return;
        }

        int n = Interlocked.Increment(ref _n);
        double value = n % 8 == 0 ? 0.12 : 0.04 + (0.02 * Math.Sin(n / 5.0));
        await _chart.AppendAsync([[new ChartPoint(Time.GetUtcNow().ToUnixTimeMilliseconds(), value)]]);
    }
}
