using IplsCore.Messages;

namespace IplsWeb.Identity;

/// <summary>
/// What each identity may publish and subscribe to. Vehicle n: publish <c>vehicle/n</c>, <c>vn/anomaly</c> and IPLS
/// (<c>ipls/…</c>, whose messages are signed and checked by the peers); subscribe to <c>vehicle/n/generator</c>, IPLS, and
/// its own <c>vehicle/n</c> (the agent scores its vehicle's data, which its generator or device publishes there).
/// The operator reads everything and publishes generator commands only. Anonymous (loopback only) and the shared
/// credential of compatibility mode may do anything.
/// </summary>
public static class TopicPermissions
{
    private const string IplsPrefix = "ipls/";

    public static bool MayPublish(BrokerIdentity identity, string topic)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(topic);
        return identity.Kind switch
        {
            BrokerIdentityKind.Anonymous or BrokerIdentityKind.Shared => true,
            BrokerIdentityKind.Operator => IsGeneratorTopic(topic),
            BrokerIdentityKind.Vehicle => topic == SensorTopic(identity.Vehicle) || topic == ScoreTopic(identity.Vehicle) || IsIpls(topic),
            _ => false,
        };
    }

    public static bool MaySubscribe(BrokerIdentity identity, string filter)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(filter);
        return identity.Kind switch
        {
            BrokerIdentityKind.Anonymous or BrokerIdentityKind.Shared or BrokerIdentityKind.Operator => true,
            BrokerIdentityKind.Vehicle => filter == GeneratorTopic(identity.Vehicle) || filter == SensorTopic(identity.Vehicle) || IsIpls(filter),
            _ => false,
        };
    }

    public static string SensorTopic(int vehicle) => VehicleTopics.DefaultSensor(vehicle);

    public static string ScoreTopic(int vehicle) => VehicleTopics.DefaultScore(vehicle);

    public static string GeneratorTopic(int vehicle) => VehicleTopics.DefaultGenerator(vehicle);

    private static bool IsIpls(string topicOrFilter) => topicOrFilter.StartsWith(IplsPrefix, StringComparison.Ordinal);

    private static bool IsGeneratorTopic(string topic) =>
        topic.Length > "vehicle//generator".Length && topic.StartsWith("vehicle/", StringComparison.Ordinal) && topic.EndsWith("/generator", StringComparison.Ordinal)
        && VehicleNumber.TryParse(topic.AsSpan("vehicle/".Length, topic.Length - "vehicle/".Length - "/generator".Length), out _);
}
