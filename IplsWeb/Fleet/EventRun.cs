namespace IplsWeb.Fleet;

/// <summary>Consecutive events of one kind about one subject, shown as one row (newest detail, how many, since when).</summary>
public sealed record EventRun(FleetEvent Latest, int Count, DateTimeOffset First)
{
    /// <summary>Groups runs of repeated events (input newest first, as pages list them).</summary>
    public static IReadOnlyList<EventRun> Group(IEnumerable<FleetEvent> newestFirst)
    {
        ArgumentNullException.ThrowIfNull(newestFirst);
        var runs = new List<EventRun>();
        foreach (var e in newestFirst)
        {
            if (runs.Count > 0 && runs[^1].Latest.Kind == e.Kind && runs[^1].Latest.Subject == e.Subject)
            {
                runs[^1] = runs[^1] with { Count = runs[^1].Count + 1, First = e.At };
            }
            else
            {
                runs.Add(new EventRun(e, 1, e.At));
            }
        }

        return runs;
    }
}
