namespace IplsWeb.Hosting;

/// <summary>When an anomaly episode becomes an alert and when it is over (section "Dashboard:Alerts").</summary>
public sealed record AlertOptions
{
    /// <summary>An alert resolves once the vehicle's smoothed score has stayed at or below the threshold this long.</summary>
    public TimeSpan ResolveAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The score is smoothed over about this many scores (exponential moving average) before it is compared.</summary>
    public int SmoothingSamples { get; init; } = 8;

    public IEnumerable<string> Problems()
    {
        if (ResolveAfter < TimeSpan.Zero || ResolveAfter > TimeSpan.FromHours(24))
        {
            yield return $"Dashboard:Alerts:ResolveAfter = {ResolveAfter}: between 0 and 24 h";
        }

        if (SmoothingSamples is < 1 or > 1000)
        {
            yield return $"Dashboard:Alerts:SmoothingSamples = {SmoothingSamples}: 1–1000";
        }
    }
}
