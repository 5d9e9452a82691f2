using System.Buffers;
using IplsCore.Data;
using IplsCore.Logging;
using IplsCore.Messages;
using IplsWeb.Fleet;
using MQTTnet.Server;

namespace IplsWeb.Broker;

/// <summary>
/// Reads scores (<c>v{n}/anomaly</c>) and sensor data (<c>vehicle/{n}</c>), or the custom topics
/// registered agents announced, as the embedded broker
/// routes them (no extra client, no extra hop) or as the external broker delivers them to the dashboard's client. Malformed payloads are counted and reported as events
/// (at most one per topic per 10 s); they are still delivered to subscribers, who judge for themselves.
/// </summary>
public sealed partial class BrokerIngest(FleetState fleet, TimeProvider time, ILogger<BrokerIngest> logger)
{
    private const long MaxClockSkewMs = 60_000;
    private const long LateAfterMs = 2_000;

    private readonly RateLimiter _reports = new(time, TimeSpan.FromSeconds(10));

    /// <summary>The embedded broker's hook: every publish it routes.</summary>
    public Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (!e.ProcessPublish)
        {
            return Task.CompletedTask; // refused (not permitted for its sender): not the vehicle's data
        }

        Ingest(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload, e.ClientId);
        return Task.CompletedTask;
    }

    /// <summary>
    /// One message on <paramref name="topic"/>, from the embedded broker or the external broker's
    /// subscription; <paramref name="source"/> names the sender in reports (the client id, or the broker).
    /// Topics that are no vehicle's score or sensor data are ignored.
    /// </summary>
    public void Ingest(string topic, ReadOnlySequence<byte> payload, string source)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (!fleet.TryResolveTopic(topic, out int vehicle, out var kind))
        {
            return;
        }

        if (kind == VehicleTopicKind.Score)
        {
            byte[] bytes = payload.ToArray();
            if (ScorePayload.TryRead(bytes, out float score, out long seconds, out long? produced) && float.IsFinite(score))
            {
                fleet.OnScore(vehicle, score, ProducedAt(time.GetUtcNow().ToUnixTimeMilliseconds(), seconds, produced));
            }
            else
            {
                Report(topic, source, "not a score payload {\"anomaly_score\":[x],\"timestamp\":s}");
            }
        }
        else if (kind == VehicleTopicKind.Sensor)
        {
            var values = new float[VehicleDataSpec.Features];
            var rejection = SensorPayload.TryParse(payload.ToArray(), values, out string detail);
            if (rejection == PayloadRejection.None)
            {
                fleet.OnSensor(vehicle, values, time.GetUtcNow().ToUnixTimeMilliseconds());
            }
            else
            {
                Report(topic, source, $"{rejection}: {detail}");
            }
        }
    }

    /// <summary>
    /// When the vehicle produced the score: its <c>timestamp_ms</c>; for a reference sender (seconds only)
    /// its second when the score is late (queued through an outage), else the arrival time, which is finer.
    /// A time far in the future is a wrong clock: the arrival time is kept.
    /// </summary>
    public static long ProducedAt(long arrivedMs, long timestampSeconds, long? timestampMs)
    {
        long claimed = timestampMs ?? (timestampSeconds * 1000);
        if (claimed > arrivedMs + MaxClockSkewMs || claimed <= 0)
        {
            return arrivedMs;
        }

        return timestampMs is not null || arrivedMs - claimed > LateAfterMs ? claimed : arrivedMs;
    }

    private void Report(string topic, string clientId, string reason)
    {
        if (!_reports.TryAcquire(topic, out _))
        {
            return;
        }

        LogRejected(topic, clientId, reason);
        fleet.Raise(FleetEventKind.Rejected, topic, $"from {clientId}: {reason}");
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Malformed payload on {Topic} from {Client}: {Reason}")]
    private partial void LogRejected(string topic, string client, string reason);
}
