using System.Diagnostics;

namespace IplsAgent.Runtime;

/// <summary>CPU (percent of one core since the last reading) and resident memory of this process.</summary>
internal sealed class ProcessMetrics(TimeProvider time)
{
    private readonly Lock _gate = new();
    private TimeSpan _lastCpu = CpuTime();
    private long _lastAt = time.GetTimestamp();

    private static TimeSpan CpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    public (double CpuPercent, double MemoryMb) Read()
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        long now = time.GetTimestamp();
        double percent;
        lock (_gate)
        {
            var wall = time.GetElapsedTime(_lastAt, now);
            percent = wall > TimeSpan.Zero ? (cpu - _lastCpu).TotalMilliseconds / wall.TotalMilliseconds * 100 : 0;
            _lastCpu = cpu;
            _lastAt = now;
        }

        return (Math.Round(percent, 2), Math.Round(process.WorkingSet64 / (1024.0 * 1024.0), 1));
    }
}
