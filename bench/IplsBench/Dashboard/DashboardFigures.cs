namespace IplsBench.Dashboard;

/// <summary>How the fleet overview behaved in a real browser while the vehicles streamed scores.</summary>
internal sealed record DashboardFigures
{
    public required int Vehicles { get; init; }

    public required double RateHz { get; init; }

    public required double Seconds { get; init; }

    public required double FramesPerSecond { get; init; }

    public required double FrameP95Ms { get; init; }

    public required double FrameMaxMs { get; init; }

    /// <summary>Main-thread tasks over 50 ms (the browser's "long task").</summary>
    public required int LongTasks { get; init; }

    /// <summary>Share of the measured time the main thread spent in long tasks.</summary>
    public required double LongTaskPercent { get; init; }

    /// <summary>Charts on screen whose drawing changed during the measurement (all of them, when live).</summary>
    public required int ChartsUpdated { get; init; }

    public required int ChartsOnScreen { get; init; }

    /// <summary>The last chart below the fold was redrawn within 1.5 s of being scrolled into view.</summary>
    public required bool OffScreenCaughtUp { get; init; }

    /// <summary>CPU of the dashboard process (with the simulated vehicles in it), % of one core.</summary>
    public required double ServerCpuPercent { get; init; }

    public required double ScoresPerSecond { get; init; }
}
