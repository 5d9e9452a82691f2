using IplsCore.Messages;
using IplsCore.Transport.Mqtt;
using Microsoft.Extensions.Logging;

namespace IplsAgent.Runtime;

/// <summary>
/// Publishes one vehicle's sensor data on <c>vehicle/{n}</c> and follows mode commands on
/// <c>vehicle/{n}/generator</c>, with no agent beside it: the generator of a vehicle whose agent runs on
/// another device. Same data, rate and payloads as the agent's built-in generator.
/// </summary>
public static partial class StandaloneGenerator
{
    /// <summary>Runs until <paramref name="cancellationToken"/> or the configured runtime ends; returns the samples published.</summary>
    public static async Task<long> RunAsync(StandaloneGeneratorOptions options, ILoggerFactory loggers, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        time ??= TimeProvider.System;
        var logger = loggers.CreateLogger("IplsAgent.Generator");
        await using var data = MqttTransport.Start(new MqttTransportOptions
        {
            Host = options.Host,
            Port = options.Port,
            Username = options.Username,
            Password = options.Password,
            TopicPrefix = string.Empty,
            ClientId = $"generator-{options.Vehicle}-{Guid.NewGuid():N}"[..24],
            MaxPayloadBytes = GeneratorCommand.MaxBytes,
            ReceiveQueueCapacity = 64,
        }, loggers.CreateLogger("IplsCore.Transport.Mqtt.Generator"));
        var counters = new AgentCounters();
        var generator = new DataGenerator(options.Settings, options.SensorTopic, data, counters, time, logger);
        await data.SubscribeAsync(options.GeneratorTopic, cancellationToken).ConfigureAwait(false);
        LogStarted(logger, options.SensorTopic, options.Host, options.Port, options.Mode.ToString().ToLowerInvariant(), options.RateHz);

        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.Runtime is { } runtime)
        {
            run.CancelAfter(runtime);
        }

        var publishing = generator.RunAsync(run.Token);
        try
        {
            await foreach (var message in data.Messages.ReadAllAsync(run.Token).ConfigureAwait(false))
            {
                var rejection = GeneratorCommand.TryParse(message.Payload, out var mode, out string detail);
                if (rejection == PayloadRejection.None)
                {
                    generator.Mode = mode;
                }
                else
                {
                    LogCommandRejected(logger, options.GeneratorTopic, rejection, detail);
                }
            }
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            // runtime over, or stopped
        }

        await publishing.ConfigureAwait(false);
        long published = counters.Generated;
        LogStopped(logger, options.SensorTopic, published);
        return published;
    }

    [LoggerMessage(EventId = 2210, Level = LogLevel.Information, Message = "Generator publishing on {Topic} at {Host}:{Port}, mode {Mode}, {Rate} Hz")]
    private static partial void LogStarted(ILogger logger, string topic, string host, int port, string mode, double rate);

    [LoggerMessage(EventId = 2211, Level = LogLevel.Warning, Message = "Ignored a generator command on {Topic}: {Rejection}: {Detail}")]
    private static partial void LogCommandRejected(ILogger logger, string topic, PayloadRejection rejection, string detail);

    [LoggerMessage(EventId = 2212, Level = LogLevel.Information, Message = "Generator on {Topic} stopped after {Published} samples")]
    private static partial void LogStopped(ILogger logger, string topic, long published);
}
