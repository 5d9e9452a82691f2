using System.Text.Json;
using IplsCore.Messages;
using IplsCore.Persistence;

namespace IplsWeb.Fleet;

/// <summary>
/// The custom topics agents announced, kept in <c>{DataDirectory}/custom-topics.json</c>: after a
/// restart the dashboard resolves a custom topic to its vehicle at once, so what a broker or a device
/// bridge queued for it on those topics lands before the agents have registered again. The file is a
/// cache: when it cannot be read the dashboard says so and learns the topics again from registrations.
/// </summary>
public sealed partial class RememberedTopics
{
    public const string FileName = "custom-topics.json";

    /// <summary>More entries than this is no file the dashboard wrote (three topics per agent).</summary>
    private const int MaxEntries = 30_000;

    private readonly FleetState _fleet;
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();

    private RememberedTopics(FleetState fleet, string dataDirectory, ILogger logger)
    {
        _fleet = fleet;
        _path = Path.Combine(dataDirectory, FileName);
        _logger = logger;
    }

    /// <summary>Gives <paramref name="fleet"/> the topics kept from before, and keeps them from now on.</summary>
    public static RememberedTopics Attach(FleetState fleet, string dataDirectory, ILogger<RememberedTopics> logger)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(dataDirectory);
        ArgumentNullException.ThrowIfNull(logger);
        var remembered = new RememberedTopics(fleet, dataDirectory, logger);
        remembered.Load();
        fleet.CustomTopicsChanged += remembered.Save;
        return remembered;
    }

    private void Load()
    {
        if (!File.Exists(_path))
        {
            return;
        }

        var topics = new List<CustomTopic>();
        int skipped = 0;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(_path));
            if (document.RootElement.ValueKind != JsonValueKind.Array || document.RootElement.GetArrayLength() > MaxEntries)
            {
                throw new JsonException($"expected an array of at most {MaxEntries} topics");
            }

            foreach (var entry in document.RootElement.EnumerateArray())
            {
                if (TryRead(entry) is { } topic)
                {
                    topics.Add(topic);
                }
                else
                {
                    skipped++;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            LogUnreadable(_path, ex.Message);
            return;
        }

        _fleet.RememberTopics(topics);
        LogLoaded(topics.Count, _path, skipped);
    }

    private static CustomTopic? TryRead(JsonElement entry)
    {
        if (entry.ValueKind == JsonValueKind.Object
            && Text(entry, "topic") is { } name && !name.Contains('+', StringComparison.Ordinal) && !name.Contains('#', StringComparison.Ordinal)
            && entry.TryGetProperty("vehicle", out var vehicle) && vehicle.ValueKind == JsonValueKind.Number && vehicle.TryGetInt32(out int number) && number >= 0
            && Text(entry, "kind") is { } kind && !char.IsDigit(kind[0]) && Enum.TryParse<VehicleTopicKind>(kind, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            && Text(entry, "agentId") is { } agentId)
        {
            return new CustomTopic(name, number, parsed, agentId);
        }

        return null;
    }

    private static string? Text(JsonElement entry, string property) =>
        entry.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private void Save()
    {
        lock (_gate)
        {
            var topics = _fleet.CustomTopics;
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
                AtomicFile.Write(_path, s =>
                {
                    using var writer = new Utf8JsonWriter(s, new JsonWriterOptions { Indented = true });
                    writer.WriteStartArray();
                    foreach (var topic in topics)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("topic", topic.Topic);
                        writer.WriteNumber("vehicle", topic.Vehicle);
                        writer.WriteString("kind", JsonNamingPolicy.CamelCase.ConvertName(topic.Kind.ToString()));
                        writer.WriteString("agentId", topic.AgentId);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                });
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The live picture has them; only a restart before the next registration would miss them.
                LogNotSaved(_path, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = 5701, Level = LogLevel.Information, Message = "Remembered {Count} custom topics of agents from {Path} ({Skipped} unreadable entries skipped)")]
    private partial void LogLoaded(int count, string path, int skipped);

    [LoggerMessage(EventId = 5702, Level = LogLevel.Warning, Message = "Could not read the custom topics kept in {Path} ({Error}); they are learnt again as agents register")]
    private partial void LogUnreadable(string path, string error);

    [LoggerMessage(EventId = 5703, Level = LogLevel.Warning, Message = "Could not keep the custom topics in {Path} ({Error}); a restart before the agents register again would not know them")]
    private partial void LogNotSaved(string path, string error);
}
