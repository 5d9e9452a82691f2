using IplsCore.Logging;
using IplsWeb.Fleet;
using IplsWeb.Identity;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace IplsWeb.Broker;

/// <summary>
/// Holds every publish and subscription to the client's <see cref="TopicPermissions"/>: a vehicle speaks only for
/// itself. A refused publish is not delivered (nor stored) and, for QoS 1 on MQTT 5, acknowledged "not authorized";
/// a refused subscription gets a failure in its SUBACK. Refusals are counted, logged and raised as one event per
/// client identity and minute.
/// </summary>
public sealed partial class BrokerAuthorization(FleetState fleet, TimeProvider time, ILogger<BrokerAuthorization> logger)
{
    private readonly RateLimiter _reports = new(time, TimeSpan.FromMinutes(1));
    private long _refusedPublishes;
    private long _refusedSubscriptions;

    public long RefusedPublishes => Interlocked.Read(ref _refusedPublishes);

    public long RefusedSubscriptions => Interlocked.Read(ref _refusedSubscriptions);

    public Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        // Messages the dashboard itself injects carry no session: they are trusted.
        if (e.SessionItems?[BrokerIdentity.SessionKey] is not BrokerIdentity identity || TopicPermissions.MayPublish(identity, e.ApplicationMessage.Topic))
        {
            return Task.CompletedTask;
        }

        e.ProcessPublish = false;
        e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
        Interlocked.Increment(ref _refusedPublishes);
        Report(identity, "publish", e.ApplicationMessage.Topic, e.ClientId);
        return Task.CompletedTask;
    }

    public Task OnSubscribeAsync(InterceptingSubscriptionEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.SessionItems?[BrokerIdentity.SessionKey] is not BrokerIdentity identity || TopicPermissions.MaySubscribe(identity, e.TopicFilter.Topic))
        {
            return Task.CompletedTask;
        }

        e.ProcessSubscription = false;
        e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        Interlocked.Increment(ref _refusedSubscriptions);
        Report(identity, "subscribe", e.TopicFilter.Topic, e.ClientId);
        return Task.CompletedTask;
    }

    private void Report(BrokerIdentity identity, string action, string topic, string clientId)
    {
        string who = identity.ToString();
        if (!_reports.TryAcquire(who + " " + action, out long suppressed))
        {
            return;
        }

        LogRefused(who, clientId, action, topic, suppressed);
        fleet.Raise(FleetEventKind.Rejected, "broker", suppressed > 0
            ? $"{suppressed + 1} {action}s refused for {who} within a minute (not permitted); latest: {topic} by client \"{clientId}\""
            : $"{action} to {topic} refused for {who} (client \"{clientId}\"): not permitted for this identity");
    }

    [LoggerMessage(EventId = 5120, Level = LogLevel.Warning, Message = "Broker refused {Action} to {Topic} for {Identity} (client \"{Client}\"): not permitted ({Suppressed} more since the last report)")]
    private partial void LogRefused(string identity, string client, string action, string topic, long suppressed);
}
