using IplsCore.Configuration;
using IplsCore.Data;
using IplsCore.Logging;
using IplsCore.Messages;
using IplsCore.Transport;
using Microsoft.Extensions.Logging;

namespace IplsAgent.Runtime;

/// <summary>
/// The agent's built-in vehicle: publishes synthetic or CSV samples on the sensor topic at a fixed
/// rate, in normal or anomaly mode (switchable at run time), like the reference generator container.
/// </summary>
internal sealed partial class DataGenerator
{
    private readonly ModeSwitchingSource _source;
    private readonly GeneratorSettings _settings;
    private readonly string _topic;
    private readonly IMessageLink _data;
    private readonly AgentCounters _counters;
    private readonly TimeProvider _time;
    private readonly RateLimiter _logLimit;
    private readonly ILogger _logger;
    private readonly Lock _sourceGate = new();

    public DataGenerator(GeneratorSettings settings, string topic, IMessageLink data, AgentCounters counters, TimeProvider time, ILogger logger)
    {
        _settings = settings;
        _topic = topic;
        _data = data;
        _counters = counters;
        _time = time;
        _logger = logger;
        _logLimit = new RateLimiter(time, TimeSpan.FromSeconds(30));
        _source = settings.NormalFile is not null && settings.AnomalyFile is not null
            ? ModeSwitchingSource.FromFiles(settings.NormalFile, settings.AnomalyFile, settings.Seed, settings.Mode)
            : new ModeSwitchingSource(
                new SyntheticVehicleData(settings.Seed, GeneratorMode.Normal),
                new SyntheticVehicleData(unchecked(settings.Seed + 7919), GeneratorMode.Anomaly),
                settings.Mode);
    }

    public GeneratorMode Mode
    {
        get
        {
            lock (_sourceGate)
            {
                return _source.Mode;
            }
        }

        set
        {
            lock (_sourceGate)
            {
                if (_source.Mode == value)
                {
                    return;
                }

                _source.Mode = value;
            }

            LogModeChanged(_topic, GeneratorModeParser.ToWireName(value));
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromSeconds(1 / _settings.RateHz);
        using var timer = new PeriodicTimer(period, _time);
        var sample = new float[VehicleDataSpec.Features];
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                lock (_sourceGate)
                {
                    _source.Next(sample);
                }

                try
                {
                    await _data.PublishAsync(_topic, SensorPayload.Write(sample), cancellationToken).ConfigureAwait(false);
                    _counters.GeneratedOne();
                }
                catch (TransportUnavailableException ex)
                {
                    if (_logLimit.TryAcquire("publish", out long suppressed))
                    {
                        LogPublishFailed(_topic, ex.Message, suppressed);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Generator for {Topic} switched to {Mode}")]
    private partial void LogModeChanged(string topic, string mode);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "Generator could not publish on {Topic}: {Reason} ({Suppressed} more since the last report)")]
    private partial void LogPublishFailed(string topic, string reason, long suppressed);
}
