namespace IplsWeb.Fleet;

/// <summary>
/// The dense fleet overview's work, counted: rows rendered, sparklines computed and orders built, over
/// all open pages. Tests and the fleet benchmark read it to show the work follows the rows on screen,
/// not the fleet's size.
/// </summary>
public sealed class OverviewCounters
{
    private long _rows;
    private long _sparklines;
    private long _orders;

    public long RowsRendered => Interlocked.Read(ref _rows);

    public long SparklinesComputed => Interlocked.Read(ref _sparklines);

    public long OrdersBuilt => Interlocked.Read(ref _orders);

    public void RowRendered() => Interlocked.Increment(ref _rows);

    public void SparklineComputed() => Interlocked.Increment(ref _sparklines);

    public void OrderBuilt() => Interlocked.Increment(ref _orders);
}
