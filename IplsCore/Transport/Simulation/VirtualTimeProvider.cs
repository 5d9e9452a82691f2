namespace IplsCore.Transport.Simulation;

/// <summary>
/// Virtual time for the simulated network: <see cref="GetUtcNow"/> is the simulator's clock and
/// timers fire as simulator events, so code written against <see cref="TimeProvider"/> runs in
/// simulated time, deterministically.
/// </summary>
public sealed class VirtualTimeProvider : TimeProvider
{
    private readonly SimulatedNetwork _network;

    internal VirtualTimeProvider(SimulatedNetwork network) => _network = network;

    public override DateTimeOffset GetUtcNow() => _network.Now;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _network.Now.UtcTicks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new VirtualTimer(_network, callback, state, dueTime, period);

    private sealed class VirtualTimer : ITimer
    {
        private readonly SimulatedNetwork _network;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private long _generation;
        private TimeSpan _period;

        public VirtualTimer(SimulatedNetwork network, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _network = network;
            _callback = callback;
            _state = state;
            Change(dueTime, period);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            long generation = ++_generation;
            _period = period;
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                Arm(generation, dueTime);
            }

            return true;
        }

        public void Dispose() => _generation++;

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private void Arm(long generation, TimeSpan due) =>
            _network.Schedule(due < TimeSpan.Zero ? TimeSpan.Zero : due, () =>
            {
                if (generation != _generation)
                {
                    return;
                }

                _callback(_state);
                if (generation == _generation && _period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan)
                {
                    Arm(generation, _period);
                }
            });
    }
}
