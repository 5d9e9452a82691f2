using System.Globalization;

namespace IplsBench.FleetScale;

/// <summary>
/// The fields of one <c>/proc/PID/stat</c> line the benchmark needs; CPU times in clock ticks.
/// <see cref="ReapedChildTicks"/> (cutime + cstime) is the CPU of children that exited and were waited for.
/// </summary>
internal readonly record struct ProcStat(int Pid, int ParentPid, long UserTicks, long SystemTicks, long ReapedChildUserTicks, long ReapedChildSystemTicks)
{
    /// <summary>USER_HZ: the unit of /proc's CPU times, 100 on every Linux architecture we run on (x86-64, ARM64).</summary>
    public const double TicksPerSecond = 100;

    public long OwnTicks => UserTicks + SystemTicks;

    public long ReapedChildTicks => ReapedChildUserTicks + ReapedChildSystemTicks;

    /// <summary>
    /// Parses <c>pid (comm) state ppid … utime stime cutime cstime …</c>. The command name may hold spaces
    /// and parentheses, so the fields are counted from the last ')'.
    /// </summary>
    public static ProcStat Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        int open = line.IndexOf(" (", StringComparison.Ordinal);
        int close = line.LastIndexOf(')');
        if (open <= 0 || close < open)
        {
            throw new FormatException($"not a /proc/PID/stat line: '{line}'");
        }

        // After ')': state(3) ppid(4) pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime(14) stime cutime cstime(17).
        string[] fields = line[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 15)
        {
            throw new FormatException($"a /proc/PID/stat line with {fields.Length} fields after the name: '{line}'");
        }

        static long At(string[] f, int field) => long.Parse(f[field - 3], NumberStyles.Integer, CultureInfo.InvariantCulture);
        return new ProcStat(int.Parse(line.AsSpan(0, open), NumberStyles.Integer, CultureInfo.InvariantCulture), (int)At(fields, 4), At(fields, 14), At(fields, 15), At(fields, 16), At(fields, 17));
    }

    /// <summary>The process's line, or null once it is gone (or was never there).</summary>
    public static ProcStat? TryRead(int pid)
    {
        try
        {
            return Parse(File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>Memory of a service's processes at one moment: summed VmRSS, and summed PSS when every smaps_rollup was readable.</summary>
internal readonly record struct ServiceMemory(long RssKb, long? PssKb, int Processes);

/// <summary>
/// A service the benchmark starts but does not host (mosquitto; PostgreSQL's postmaster and its backends),
/// measured from /proc: a process and, with <c>withChildren</c>, its direct children (PostgreSQL forks every
/// backend and worker from the postmaster). Its CPU is the live processes' utime+stime plus the root's
/// cutime+cstime (children that exited, e.g. a closed connection's backend), so a difference between two
/// readings counts everything that ran in between. Memory: RSS counts the shared buffers once per process
/// that touched them, so across PostgreSQL's processes it over-counts; PSS (/proc/PID/smaps_rollup, shared
/// pages split among their users) sums correctly, but needs the right to read the process (root, or its owner).
/// </summary>
internal sealed class ServiceProcesses(int rootPid, bool withChildren)
{
    public int RootPid { get; } = rootPid;

    /// <summary>CPU time of the service so far; zero once its root process is gone.</summary>
    public TimeSpan CpuTime()
    {
        if (ProcStat.TryRead(RootPid) is not { } root)
        {
            return TimeSpan.Zero;
        }

        long ticks = root.OwnTicks + (withChildren ? root.ReapedChildTicks + Children().Sum(c => c.OwnTicks) : 0);
        return TimeSpan.FromSeconds(ticks / ProcStat.TicksPerSecond);
    }

    /// <summary>RSS and PSS summed over the live processes (zero processes once the root is gone).</summary>
    public ServiceMemory Memory()
    {
        int[] pids = ProcStat.TryRead(RootPid) is null ? [] : [RootPid, .. withChildren ? Children().Select(c => c.Pid) : []];
        long rss = 0;
        long? pss = 0;
        int counted = 0;
        foreach (int pid in pids)
        {
            if (StatusKb(pid, "VmRSS:") is not { } kb)
            {
                continue; // exited in between
            }

            rss += kb;
            counted++;
            pss = pss is { } sum && PssKb(pid) is { } p ? sum + p : null;
        }

        return new ServiceMemory(rss, pss, counted);
    }

    /// <summary>The live processes whose parent is the root (a scan of /proc: no children file needed).</summary>
    public IReadOnlyList<ProcStat> Children()
    {
        var children = new List<ProcStat>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                && pid != RootPid && ProcStat.TryRead(pid) is { } stat && stat.ParentPid == RootPid)
            {
                children.Add(stat);
            }
        }

        return children;
    }

    private static long? StatusKb(int pid, string key) => FieldKb($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status", key);

    private static long? PssKb(int pid) => FieldKb($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/smaps_rollup", "Pss:");

    /// <summary>A "Key:   123 kB" line's number; null when the file is gone or not ours to read.</summary>
    private static long? FieldKb(string path, string key)
    {
        try
        {
            string? line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.AsSpan(key.Length).Trim().TrimEnd("kB").Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
