namespace IplsBench.Dashboard;

/// <summary>How the fleet overview behaved in a real browser while the vehicles streamed scores.</summary>
internal sealed record DashboardFigures
{
    public required int Vehicles { get; init; }

    /// <summary>The overview measured: "cards" (a live chart per vehicle) or "list" (the dense, virtualized table).</summary>
    public required string View { get; init; }

    /// <summary>List rows the server rendered per second (all pages): follows the rows on screen, not the fleet.</summary>
    public required double RowsRenderedPerSecond { get; init; }

    public required double RateHz { get; init; }

    public required double Seconds { get; init; }

    public required double FramesPerSecond { get; init; }

    public required double FrameP95Ms { get; init; }

    public required double FrameMaxMs { get; init; }

    /// <summary>Main-thread tasks over 50 ms (the browser's "long task").</summary>
    public required int LongTasks { get; init; }

    /// <summary>Share of the measured time the main thread spent in long tasks.</summary>
    public required double LongTaskPercent { get; init; }

    /// <summary>Charts (cards) or rows (list) on screen whose drawing changed during the measurement (all of them, when live).</summary>
    public required int ChartsUpdated { get; init; }

    public required int ChartsOnScreen { get; init; }

    /// <summary>Cards: the last chart below the fold was redrawn within 1.5 s of being scrolled into view. List: the rows at the end of the list, scrolled to, came with their sparklines within 1.5 s.</summary>
    public required bool OffScreenCaughtUp { get; init; }

    /// <summary>CPU of the dashboard process (with the simulated vehicles in it), % of one core.</summary>
    public required double ServerCpuPercent { get; init; }

    public required double ScoresPerSecond { get; init; }
}
