using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using IplsCore.Ipls.Wire;
using IplsCore.Messages;

namespace IplsCore.Control;

/// <summary>
/// Input an agent dropped, by cause, as counted since it started. Typed for whoever fills or reads a
/// cause; on the wire, and for display, one flat map of positive counts as before
/// (<c>{"payload:NotJson":3,"queue:training":1,"ipls:Stale":2}</c>), so dashboards of either shape
/// understand each other. Keys a newer agent adds are kept in <see cref="Other"/>, never lost.
/// </summary>
[JsonConverter(typeof(AgentRejectionsJsonConverter))]
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "Named for what it counts; the map is its wire and display form.")]
public sealed class AgentRejections : IReadOnlyDictionary<string, long>
{
    internal const string PayloadPrefix = "payload:";
    internal const string IplsPrefix = "ipls:";

    // One wire name per counter, written and parsed from this one list.
    private static readonly (string Key, Func<AgentRejections, long> Get)[] Scalars =
    [
        ("generator-command", r => r.GeneratorCommands),
        ("queue:training", r => r.TrainingQueue),
        ("queue:ipls-receive", r => r.IplsReceiveQueue),
        ("queue:data-receive", r => r.DataReceiveQueue),
        ("oversized:ipls", r => r.IplsOversized),
        ("oversized:data", r => r.DataOversized),
        ("malformed:ipls", r => r.IplsMalformed),
        ("content:ipls", r => r.IplsContent),
        ("score-publish", r => r.ScorePublishFailures),
        ("loop-restarts", r => r.LoopRestarts),
        ("generator:missed", r => r.GeneratorMissed),
    ];

    private Dictionary<string, long>? _flat;

    public static AgentRejections None { get; } = new();

    /// <summary>Sensor payloads refused, by reason (<c>payload:{reason}</c>).</summary>
    public IReadOnlyDictionary<PayloadRejection, long> Payload { get; init; } = new Dictionary<PayloadRejection, long>();

    /// <summary>IPLS messages the node refused, by reason (<c>ipls:{reason}</c>).</summary>
    public IReadOnlyDictionary<RejectReason, long> Ipls { get; init; } = new Dictionary<RejectReason, long>();

    /// <summary>Generator commands that were not a mode (<c>generator-command</c>).</summary>
    public long GeneratorCommands { get; init; }

    /// <summary>Samples the trainer had no room for (<c>queue:training</c>).</summary>
    public long TrainingQueue { get; init; }

    public long IplsReceiveQueue { get; init; }

    public long DataReceiveQueue { get; init; }

    public long IplsOversized { get; init; }

    public long DataOversized { get; init; }

    /// <summary>IPLS transport lines that were not messages (<c>malformed:ipls</c>).</summary>
    public long IplsMalformed { get; init; }

    /// <summary>Content (model blocks) that failed its check (<c>content:ipls</c>).</summary>
    public long IplsContent { get; init; }

    public long ScorePublishFailures { get; init; }

    /// <summary>Agent loops that died and were restarted (<c>loop-restarts</c>).</summary>
    public long LoopRestarts { get; init; }

    /// <summary>Generator samples neither made up nor published (<c>generator:missed</c>).</summary>
    public long GeneratorMissed { get; init; }

    /// <summary>Counts under keys this build does not know (from a newer agent).</summary>
    public IReadOnlyDictionary<string, long> Other { get; init; } = new Dictionary<string, long>();

    public int Count => Flat.Count;

    public IEnumerable<string> Keys => Flat.Keys;

    public IEnumerable<long> Values => Flat.Values;

    private Dictionary<string, long> Flat => _flat ??= Flatten();

    public long this[string key] => Flat[key];

    /// <summary>Reads the flat map (the wire form).</summary>
    public static AgentRejections FromWire(IReadOnlyDictionary<string, long> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts is AgentRejections typed)
        {
            return typed;
        }

        var rest = new Dictionary<string, long>(counts, StringComparer.Ordinal);
        long Take(string key) => rest.Remove(key, out long value) ? value : 0;
        var payload = TakePrefixed<PayloadRejection>(rest, PayloadPrefix);
        var ipls = TakePrefixed<RejectReason>(rest, IplsPrefix);
        return new AgentRejections
        {
            Payload = payload,
            Ipls = ipls,
            GeneratorCommands = Take(Scalars[0].Key),
            TrainingQueue = Take(Scalars[1].Key),
            IplsReceiveQueue = Take(Scalars[2].Key),
            DataReceiveQueue = Take(Scalars[3].Key),
            IplsOversized = Take(Scalars[4].Key),
            DataOversized = Take(Scalars[5].Key),
            IplsMalformed = Take(Scalars[6].Key),
            IplsContent = Take(Scalars[7].Key),
            ScorePublishFailures = Take(Scalars[8].Key),
            LoopRestarts = Take(Scalars[9].Key),
            GeneratorMissed = Take(Scalars[10].Key),
            Other = rest,
        };
    }

    public bool ContainsKey(string key) => Flat.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out long value) => Flat.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, long>> GetEnumerator() => Flat.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static Dictionary<TReason, long> TakePrefixed<TReason>(Dictionary<string, long> rest, string prefix)
        where TReason : struct, Enum
    {
        var result = new Dictionary<TReason, long>();
        foreach (var (key, value) in rest.ToList())
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal) && Enum.TryParse<TReason>(key[prefix.Length..], ignoreCase: false, out var reason) && Enum.IsDefined(reason))
            {
                result[reason] = value;
                rest.Remove(key);
            }
        }

        return result;
    }

    private Dictionary<string, long> Flatten()
    {
        var flat = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (reason, count) in Payload)
        {
            AddIfPositive(flat, PayloadPrefix + reason, count);
        }

        foreach (var (key, get) in Scalars)
        {
            AddIfPositive(flat, key, get(this));
        }

        foreach (var (reason, count) in Ipls)
        {
            AddIfPositive(flat, IplsPrefix + reason, count);
        }

        foreach (var (key, count) in Other)
        {
            AddIfPositive(flat, key, count);
        }

        return flat;
    }

    private static void AddIfPositive(Dictionary<string, long> map, string key, long value)
    {
        if (value > 0)
        {
            map[key] = value;
        }
    }
}

/// <summary>Writes and reads <see cref="AgentRejections"/> as its flat map.</summary>
public sealed class AgentRejectionsJsonConverter : JsonConverter<AgentRejections>
{
    public override AgentRejections Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("rejection counts: an object of counts expected");
        }

        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string key = reader.GetString() ?? throw new JsonException("rejection counts: a key expected");
            reader.Read();
            counts[key] = reader.GetInt64();
        }

        return AgentRejections.FromWire(counts);
    }

    public override void Write(Utf8JsonWriter writer, AgentRejections value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        foreach (var (key, count) in value)
        {
            writer.WritePropertyName(key);
            writer.WriteNumberValue(count);
        }

        writer.WriteEndObject();
    }
}
