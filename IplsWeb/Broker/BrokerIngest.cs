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
/// routes them: no extra client, no extra hop. Malformed payloads are counted and reported as events
/// (at most one per topic per 10 s); they are still delivered to subscribers, who judge for themselves.
/// </summary>
public sealed partial class BrokerIngest(FleetState fleet, TimeProvider time, ILogger<BrokerIngest> logger)
{
    private readonly RateLimiter _reports = new(time, TimeSpan.FromSeconds(10));

    public Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string topic = e.ApplicationMessage.Topic;
        if (!fleet.TryResolveTopic(topic, out int vehicle, out var kind))
        {
            return Task.CompletedTask;
        }

        if (kind == VehicleTopicKind.Score)
        {
            byte[] payload = e.ApplicationMessage.Payload.ToArray();
            if (ScorePayload.TryRead(payload, out float score, out _) && float.IsFinite(score))
            {
                fleet.OnScore(vehicle, score, time.GetUtcNow().ToUnixTimeMilliseconds());
            }
            else
            {
                Report(topic, e.ClientId, "not a score payload {\"anomaly_score\":[x],\"timestamp\":s}");
            }
        }
        else if (kind == VehicleTopicKind.Sensor)
        {
            var values = new float[VehicleDataSpec.Features];
            var rejection = SensorPayload.TryParse(e.ApplicationMessage.Payload.ToArray(), values, out string detail);
            if (rejection == PayloadRejection.None)
            {
                fleet.OnSensor(vehicle, values, time.GetUtcNow().ToUnixTimeMilliseconds());
            }
            else
            {
                Report(topic, e.ClientId, $"{rejection}: {detail}");
            }
        }

        return Task.CompletedTask;
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
