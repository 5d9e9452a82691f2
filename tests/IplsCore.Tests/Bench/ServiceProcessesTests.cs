using System.Diagnostics;
using IplsBench.FleetScale;

namespace IplsCore.Tests.Bench;

/// <summary>
/// The fleet-scale benchmark's /proc reading (bench/IplsBench/FleetScale/ServiceProcesses.cs, linked in: the
/// bench is an executable no test project references): the stat line's fields, and a real process tree whose
/// CPU is counted for the root, its live children and a child that already exited.
/// </summary>
public sealed class ServiceProcessesTests
{
    [Fact]
    public void Parse_CountsFieldsFromTheLastParenthesis()
    {
        // A command name with spaces and parentheses; fields as in proc(5): utime 14, stime 15, cutime 16, cstime 17.
        var stat = ProcStat.Parse("4242 (a) b (c) S 17 4242 4242 0 -1 4194560 900 0 0 0 1234 56 78 9 20 0 1 0 100 1000 200 18446744073709551615\n");

        Assert.Equal(new ProcStat(4242, 17, 1234, 56, 78, 9), stat);
        Assert.Equal(1290, stat.OwnTicks);
        Assert.Equal(87, stat.ReapedChildTicks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("4242 no-parentheses S 1 2 3")]
    [InlineData("4242 (short) S 1 2 3")]
    [InlineData("x (name) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15")]
    public void Parse_RejectsWhatIsNotAStatLine(string line) => Assert.Throws<FormatException>(() => ProcStat.Parse(line));

    [Fact]
    public void TryRead_ReadsThisProcessAndNullForNone()
    {
        var self = ProcStat.TryRead(Environment.ProcessId);

        Assert.NotNull(self);
        Assert.Equal(Environment.ProcessId, self.Value.Pid);
        Assert.Equal(File.ReadAllText("/proc/self/stat").Split(' ')[0], self.Value.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Null(ProcStat.TryRead(int.MaxValue));
    }

    [Fact]
    public async Task ServiceWithChildren_CountsLiveChildrenAndExitedOnes()
    {
        // bash: one busy child that exits (its CPU moves to bash's cutime), one busy child that then sleeps
        // (alive, its own utime), one idle sleep.
        const string Busy = "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done";
        using var root = Process.Start(new ProcessStartInfo("bash", ["-c", $"({Busy}); ({Busy}; exec sleep 300) & sleep 300 & wait"]))!;
        try
        {
            var tree = new ServiceProcesses(root.Id, withChildren: true);
            var alone = new ServiceProcesses(root.Id, withChildren: false);
            await Eventually.TrueAsync(
                () => ProcStat.TryRead(root.Id) is { ReapedChildTicks: >= 5 } && tree.Children() is { Count: 2 } c && c.Sum(s => s.OwnTicks) >= 5,
                "the first child exited and the second finished its loop");

            var rootStat = ProcStat.TryRead(root.Id)!.Value;
            long childTicks = tree.Children().Sum(c => c.OwnTicks);
            Assert.True(tree.CpuTime() >= TimeSpan.FromSeconds((rootStat.OwnTicks + rootStat.ReapedChildTicks + childTicks) / ProcStat.TicksPerSecond));
            Assert.True(tree.CpuTime() - alone.CpuTime() >= TimeSpan.FromSeconds(0.1), $"children's CPU: {tree.CpuTime()} with, {alone.CpuTime()} without");

            var memory = tree.Memory();
            Assert.Equal(3, memory.Processes);
            Assert.True(memory.RssKb > 0);
            Assert.NotNull(memory.PssKb); // our own processes: smaps_rollup is readable
            Assert.InRange(memory.PssKb.Value, 1, memory.RssKb); // shared pages split: less than the summed RSS
            Assert.Equal(1, alone.Memory().Processes);
        }
        finally
        {
            root.Kill(entireProcessTree: true);
            await root.WaitForExitAsync();
        }

        var gone = new ServiceProcesses(root.Id, withChildren: true);
        Assert.Equal(TimeSpan.Zero, gone.CpuTime());
        Assert.Equal(0, gone.Memory().Processes);
    }
}
