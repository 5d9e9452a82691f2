using System.Threading.Channels;
using IplsCore.Configuration;
using IplsCore.Data;
using IplsCore.Engine;
using IplsCore.Logging;
using IplsCore.Messages;
using IplsCore.Transport;
using Microsoft.Extensions.Logging;

namespace IplsAgent.Runtime;

/// <summary>
/// The data path: each sensor message is parsed, scored at once with the current model and its score
/// published (QoS 1); valid samples then go to the training queue, which never holds scoring up (a
/// full queue drops the sample and counts it). Generator commands arrive on the same connection.
/// Bad payloads are dropped, counted by kind and logged at a limited rate.
/// </summary>
internal sealed partial class ScoringLoop(
    AgentSettings settings,
    IMessageLink data,
    AnomalyScorer scorer,
    ChannelWriter<float[]> training,
    AgentCounters counters,
    AgentControls controls,
    DataGenerator? generator,
    TimeProvider time,
    ILogger logger)
{
    private readonly RateLimiter _logLimit = new(time, TimeSpan.FromSeconds(10));
    private readonly float[] _row = new float[VehicleDataSpec.Features];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in data.Messages.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (message.Topic == settings.SensorTopic)
                {
                    await OnSampleAsync(message.Payload, cancellationToken).ConfigureAwait(false);
                }
                else if (message.Topic == settings.GeneratorTopic)
                {
                    OnGeneratorCommand(message.Payload);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    private async Task OnSampleAsync(byte[] payload, CancellationToken cancellationToken)
    {
        if (!controls.Consuming)
        {
            return; // in flight when the agent was stopped
        }

        counters.Received();
        var rejection = SensorPayload.TryParse(payload, _row, out string detail);
        if (rejection != PayloadRejection.None)
        {
            counters.Rejected(rejection);
            if (_logLimit.TryAcquire(rejection.ToString(), out long suppressed))
            {
                LogRejected(settings.SensorTopic, rejection, detail, suppressed);
            }

            return;
        }

        float score = scorer.Score(_row);
        var now = time.GetUtcNow();
        counters.Scored(score, score > controls.Threshold);
        try
        {
            await data.PublishAsync(settings.ScoreTopic, ScorePayload.Write(score, now), cancellationToken).ConfigureAwait(false);
        }
        catch (TransportUnavailableException ex)
        {
            counters.ScorePublishFailed();
            if (_logLimit.TryAcquire("publish", out long suppressed))
            {
                LogPublishFailed(settings.ScoreTopic, ex.Message, suppressed);
            }
        }

        if (!training.TryWrite((float[])_row.Clone()))
        {
            counters.TrainingQueueDropped();
        }
    }

    private void OnGeneratorCommand(byte[] payload)
    {
        var rejection = GeneratorCommand.TryParse(payload, out var mode, out string detail);
        if (rejection != PayloadRejection.None)
        {
            counters.GeneratorCommandRejected();
            if (_logLimit.TryAcquire("generator", out long suppressed))
            {
                LogGeneratorRejected(settings.GeneratorTopic, rejection, detail, suppressed);
            }

            return;
        }

        if (generator is null)
        {
            LogNoGenerator(settings.GeneratorTopic);
            return;
        }

        generator.Mode = mode;
    }

    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "Dropped a sensor payload on {Topic}: {Rejection}: {Detail} ({Suppressed} more of this kind since the last report)")]
    private partial void LogRejected(string topic, PayloadRejection rejection, string detail, long suppressed);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "Could not publish scores on {Topic}: {Reason} ({Suppressed} more since the last report)")]
    private partial void LogPublishFailed(string topic, string reason, long suppressed);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Warning, Message = "Dropped a generator command on {Topic}: {Rejection}: {Detail} ({Suppressed} more since the last report)")]
    private partial void LogGeneratorRejected(string topic, PayloadRejection rejection, string detail, long suppressed);

    [LoggerMessage(EventId = 2304, Level = LogLevel.Information, Message = "Generator command on {Topic} ignored: this agent's generator is off")]
    private partial void LogNoGenerator(string topic);
}
