using IplsCore.Control;

namespace IplsAgent.Logging;

/// <summary>The last log lines of one agent (bounded), for the dashboard: read what is new since a mark.</summary>
public sealed class RecentLogs(int capacity = 500)
{
    private readonly Queue<(long Seq, AgentLogLine Line)> _lines = new();
    private readonly Lock _gate = new();
    private long _next;

    public void Add(AgentLogLine line)
    {
        lock (_gate)
        {
            _lines.Enqueue((_next++, line));
            while (_lines.Count > capacity)
            {
                _lines.Dequeue();
            }
        }
    }

    /// <summary>Lines after <paramref name="mark"/> (at most <paramref name="max"/>), and the new mark.</summary>
    public (IReadOnlyList<AgentLogLine> Lines, long Mark) Since(long mark, int max = 200)
    {
        lock (_gate)
        {
            var lines = _lines.Where(l => l.Seq >= mark).Take(max).ToList();
            long next = lines.Count == 0 ? mark : _lines.First(l => l.Seq >= mark).Seq + lines.Count;
            return ([.. lines.Select(l => l.Line)], next);
        }
    }
}
