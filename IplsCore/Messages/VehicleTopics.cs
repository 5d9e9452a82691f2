using System.Globalization;

namespace IplsCore.Messages;

/// <summary>What a vehicle topic carries.</summary>
public enum VehicleTopicKind
{
    /// <summary>Sensor samples, <c>{"value":[...]}</c>; the reference's <c>mqttSubTopic</c>.</summary>
    Sensor,

    /// <summary>Anomaly scores, <c>{"anomaly_score":[x],"timestamp":s}</c>; the reference's <c>mqttPubTopic</c>.</summary>
    Score,

    /// <summary>Generator mode commands, <c>{"mode":"normal"|"anomaly"}</c>.</summary>
    Generator,
}

/// <summary>
/// The MQTT topics of one vehicle: the reference defaults (<c>vehicle/{n}</c>, <c>v{n}/anomaly</c>,
/// <c>vehicle/{n}/generator</c>) or the custom ones an agent is configured with. The one place that
/// formats and parses them, for the agent that publishes and the dashboard that listens.
/// </summary>
public sealed record VehicleTopics(int Vehicle, string Sensor, string Score, string Generator)
{
    private const string SensorPrefix = "vehicle/";
    private const string ScorePrefix = "v";
    private const string ScoreSuffix = "/anomaly";
    private const string GeneratorSuffix = "/generator";

    public static VehicleTopics Default(int vehicle) => new(vehicle, DefaultSensor(vehicle), DefaultScore(vehicle), DefaultGenerator(vehicle));

    public static string DefaultSensor(int vehicle) => string.Create(CultureInfo.InvariantCulture, $"{SensorPrefix}{vehicle}");

    public static string DefaultScore(int vehicle) => string.Create(CultureInfo.InvariantCulture, $"{ScorePrefix}{vehicle}{ScoreSuffix}");

    public static string DefaultGenerator(int vehicle) => string.Create(CultureInfo.InvariantCulture, $"{SensorPrefix}{vehicle}{GeneratorSuffix}");

    /// <summary>This vehicle's kind of <paramref name="topic"/>, if it is one of its three.</summary>
    public bool TryMatch(string topic, out VehicleTopicKind kind)
    {
        kind = topic == Score ? VehicleTopicKind.Score
            : topic == Sensor ? VehicleTopicKind.Sensor
            : topic == Generator ? VehicleTopicKind.Generator
            : (VehicleTopicKind)(-1);
        return kind >= 0;
    }

    /// <summary>Parses a topic in the default format; false for anything else (a custom topic needs its <see cref="VehicleTopics"/>).</summary>
    public static bool TryParseDefault(string topic, out int vehicle, out VehicleTopicKind kind)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (TryNumber(topic, ScorePrefix, ScoreSuffix, out vehicle))
        {
            kind = VehicleTopicKind.Score;
            return true;
        }

        if (TryNumber(topic, SensorPrefix, GeneratorSuffix, out vehicle))
        {
            kind = VehicleTopicKind.Generator;
            return true;
        }

        kind = VehicleTopicKind.Sensor;
        return TryNumber(topic, SensorPrefix, string.Empty, out vehicle);
    }

    private static bool TryNumber(string topic, string prefix, string suffix, out int vehicle)
    {
        vehicle = 0;
        if (!topic.StartsWith(prefix, StringComparison.Ordinal) || !topic.EndsWith(suffix, StringComparison.Ordinal) || topic.Length <= prefix.Length + suffix.Length)
        {
            return false;
        }

        var number = topic.AsSpan(prefix.Length, topic.Length - prefix.Length - suffix.Length);
        return int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out vehicle) && vehicle > 0;
    }
}
