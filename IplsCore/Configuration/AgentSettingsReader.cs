using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using IplsCore.Data;
using IplsCore.Engine;
using IplsCore.Ipls;
using IplsCore.Messages;
using IplsCore.Training;
using IplsCore.Transport.Kubo;
using Microsoft.Extensions.Configuration;

namespace IplsCore.Configuration;

/// <summary>
/// Reads agent settings from configuration built the usual .NET way (a JSON file, environment
/// variables, command-line overrides). The reference adConfig.json is accepted unchanged: numbers
/// may be JSON numbers or strings ("epochs": "3"), booleans may be strings, and <c>${NAME}</c>
/// placeholders are filled from the given variables (NODE_NUMBER defaults to the vehicle number).
/// Every error names the key, the value and what is allowed; all errors are reported at once.
/// </summary>
public static partial class AgentSettingsReader
{
    /// <summary>Keys of the reference adConfig.json.</summary>
    public static readonly FrozenSet<string> ReferenceKeys = FrozenSet.Create(
        StringComparer.Ordinal,
        "modelPath", "scalerPath", "mqttProtocol", "mqttBrokerip", "mqttPort", "mqttSubTopic", "mqttPubTopic",
        "ipfsAddress", "ipfsBootstrapperAddresses", "ipfsBootstrapperIds", "iplsIsBootstrapper", "peerDataisSynchronous",
        "epochs", "learningRate", "iplsModelPartitions", "iplsMinPartitions", "iplsMinPeers", "updateFrequency", "stabilityCount");

    /// <summary>Our keys, alongside the reference ones.</summary>
    public static readonly FrozenSet<string> OwnKeys = FrozenSet.Create(
        StringComparer.Ordinal,
        "agentId", "vehicle", "role", "dashboardUrl", "fleetToken", "fleetTokenFile", "fleetId", "transport", "replication", "threshold",
        "scoreWith", "noveltyWeightPower", "noveltyWeightCap", "noveltyScale", "personalTrainAbove", "shareWhileLearning", "aggregationStep", "serverMomentum", "stateDirectory", "checkpointIntervalSeconds", "mqttUsername", "mqttPassword", "mqttPasswordFile", "generatorTopic", "generator",
        "iplsBrokerip", "iplsBrokerport");

    private static readonly FrozenSet<string> GeneratorKeys = FrozenSet.Create(
        StringComparer.Ordinal, "enabled", "mode", "rateHz", "normalFile", "anomalyFile", "seed");

    public static AgentConfigLoad Read(IConfiguration configuration, IReadOnlyDictionary<string, string>? variables = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var reader = new Reader(configuration, variables ?? new Dictionary<string, string>());
        var settings = reader.Build();
        return new AgentConfigLoad(reader.Errors.Count == 0 ? settings : null, reader.Errors, [], [], string.Empty);
    }

    /// <summary>Warnings for keys of a JSON config document that neither the reference nor we know (likely typos).</summary>
    public static IReadOnlyList<ConfigIssue> UnknownKeys(JsonElement root)
    {
        var warnings = new List<ConfigIssue>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            return [new ConfigIssue("(root)", null, "the configuration must be a JSON object")];
        }

        foreach (var property in root.EnumerateObject())
        {
            if (property.Name == "generator" && property.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var inner in property.Value.EnumerateObject())
                {
                    if (!GeneratorKeys.Contains(inner.Name))
                    {
                        warnings.Add(new ConfigIssue("generator:" + inner.Name, null, "unknown key, ignored"));
                    }
                }
            }
            else if (!ReferenceKeys.Contains(property.Name) && !OwnKeys.Contains(property.Name))
            {
                warnings.Add(new ConfigIssue(property.Name, null, "unknown key, ignored"));
            }
        }

        return warnings;
    }

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Placeholder();

    /// <summary>Reads and checks one key at a time, collecting every problem.</summary>
    private sealed class Reader(IConfiguration configuration, IReadOnlyDictionary<string, string> variables)
    {
        private int _vehicle = 1;

        public List<ConfigIssue> Errors { get; } = [];

        public AgentSettings Build()
        {
            _vehicle = Vehicle();
            var role = Role();
            var defaults = new AgentSettings();
            var cadence = new TrainingCadence
            {
                Epochs = Int("epochs", 3, 1, 1000),
                LearningRate = (float)Double("learningRate", 0.001, 0, 1),
                UpdateFrequency = Int("updateFrequency", 32, 0, 100_000),
                WarmUpRounds = Int("stabilityCount", 5, 0, 100_000),
            };
            var ipls = new IplsOptions
            {
                FleetId = Text("fleetId") ?? "default",
                Replication = Int("replication", 2, 1, 16),
                AggregationStep = Double("aggregationStep", 1, 0.01, 10),
                ServerMomentum = Double("serverMomentum", 0, 0, 0.99),
            }.WithReferenceKeys(
                Int("iplsModelPartitions", 8, 1, 4096),
                Int("iplsMinPartitions", 2, 0, 4096),
                Int("iplsMinPeers", 1, 1, 10_000),
                Bool("peerDataisSynchronous", false));
            if (!PeerIdRules.IsValid(ipls.FleetId))
            {
                Error("fleetId", ipls.FleetId, "must be 1–64 characters of letters, digits, '.', '_' or '-'");
            }

            string? agentId = Text("agentId");
            if (agentId is not null && !PeerIdRules.IsValid(agentId))
            {
                Error("agentId", agentId, "must be 1–64 characters of letters, digits, '.', '_' or '-'");
            }

            var (token, tokenKey) = Secret("fleetToken", "fleetTokenFile");
            token ??= string.Empty;
            if (token.Length < 16 && !Errors.Exists(e => e.Key == tokenKey))
            {
                Error(tokenKey, token.Length == 0 ? null : new string('*', token.Length), tokenKey == "fleetToken"
                    ? "must be set, at least 16 characters (the fleet secret)"
                    : "the file must hold the fleet secret, at least 16 characters");
            }

            var transport = Choice("transport", "mqtt", "mqtt", "ipfs") == "ipfs" ? IplsTransportKind.Ipfs : IplsTransportKind.Mqtt;
            string host = BrokerHost.ThisHostIfWildcard(Text("mqttBrokerip") ?? "localhost");
            string protocol = Text("mqttProtocol") ?? "tcp://";
            if (protocol is not ("" or "tcp://"))
            {
                Error("mqttProtocol", protocol, "only \"tcp://\" (or empty) is supported");
            }

            string ipfsAddress = Text("ipfsAddress") ?? defaults.IpfsAddress;
            var bootstrapperAddresses = List("ipfsBootstrapperAddresses", strict: transport == IplsTransportKind.Ipfs);
            var bootstrapperIds = List("ipfsBootstrapperIds", strict: transport == IplsTransportKind.Ipfs);
            if (transport == IplsTransportKind.Ipfs)
            {
                // Checked only when used: an MQTT agent keeps the reference's unfilled IPFS keys harmlessly.
                if (!KuboApiAddress.TryParse(ipfsAddress, out _, out string? addressError))
                {
                    Error("ipfsAddress", ipfsAddress, addressError);
                }

                if (!Errors.Any(e => e.Key.StartsWith("ipfsBootstrapper", StringComparison.Ordinal)))
                {
                    KuboPeerAddress.Combine(bootstrapperAddresses, bootstrapperIds, Errors);
                }
            }

            var mqtt = new MqttSettings(host, Int("mqttPort", 1883, 1, 65535), Text("mqttUsername"), Secret("mqttPassword", "mqttPasswordFile").Value);
            return defaults with
            {
                AgentId = agentId,
                Vehicle = _vehicle,
                Role = role,
                ModelPath = Text("modelPath"),
                ScalerPath = Text("scalerPath"),
                Mqtt = mqtt,
                IplsMqtt = mqtt with { Host = Text("iplsBrokerip") ?? mqtt.Host, Port = Int("iplsBrokerport", mqtt.Port, 1, 65535) },
                SensorTopic = Topic("mqttSubTopic", VehicleTopics.DefaultSensor(_vehicle)),
                ScoreTopic = Topic("mqttPubTopic", VehicleTopics.DefaultScore(_vehicle)),
                GeneratorTopic = Topic("generatorTopic", VehicleTopics.DefaultGenerator(_vehicle)),
                Threshold = Double("threshold", AnomalyThreshold.Default, 0, 100),
                Learning = Learning(defaults.Learning),
                Cadence = cadence,
                Ipls = ipls,
                Transport = transport,
                IpfsAddress = ipfsAddress,
                IpfsBootstrapperAddresses = bootstrapperAddresses,
                IpfsBootstrapperIds = bootstrapperIds,
                DashboardUrl = Url("dashboardUrl"),
                FleetToken = token,
                StateDirectory = Text("stateDirectory") ?? defaults.StateDirectory,
                CheckpointInterval = TimeSpan.FromSeconds(Int("checkpointIntervalSeconds", 60, 5, 86_400)),
                Generator = Generator(),
            };
        }

        /// <summary>
        /// The vehicle: the <c>vehicle</c> key, else the NODE_NUMBER variable (the reference's containers set only
        /// that), else 1. Both set and different is an error: topics and registration would disagree.
        /// </summary>
        private int Vehicle()
        {
            bool keySet = !string.IsNullOrEmpty(configuration["vehicle"]);
            int fromKey = Int("vehicle", 1, 1, 99_999);
            if (!variables.TryGetValue("NODE_NUMBER", out string? node) || string.IsNullOrWhiteSpace(node))
            {
                return fromKey;
            }

            if (!int.TryParse(node.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int fromNode) || fromNode is < 1 or > 99_999)
            {
                Error("NODE_NUMBER", node, "the environment variable must be a vehicle number between 1 and 99999");
                return fromKey;
            }

            if (keySet && fromKey != fromNode && !Errors.Exists(e => e.Key == "vehicle"))
            {
                Error("vehicle", configuration["vehicle"], $"contradicts NODE_NUMBER = {node} (set one of them, or both alike)");
            }

            return keySet ? fromKey : fromNode;
        }

        private LearningOptions Learning(LearningOptions defaults) => defaults with
        {
            ScoreWith = Choice("scoreWith", "personal", "personal", "fleet", "local") switch
            {
                "fleet" => ScoreWith.Fleet,
                "local" => ScoreWith.Local,
                _ => ScoreWith.Personal,
            },
            NoveltyWeightPower = Double("noveltyWeightPower", defaults.NoveltyWeightPower, 0, 8),
            NoveltyWeightCap = Double("noveltyWeightCap", defaults.NoveltyWeightCap, 1, ContributionWeight.MaxFactor),
            NoveltyScale = string.IsNullOrEmpty(Text("noveltyScale")) ? defaults.NoveltyScale : Double("noveltyScale", 0, 1e-6, 1000),
            PersonalTrainAbove = Double("personalTrainAbove", defaults.PersonalTrainAbove, 0, 1000),
            ShareWhileLearning = Bool("shareWhileLearning", defaults.ShareWhileLearning),
        };

        private PeerRole Role()
        {
            bool referenceBootstrapper = Bool("iplsIsBootstrapper", false);
            string? role = Text("role");
            if (role is null)
            {
                return referenceBootstrapper ? PeerRole.Bootstrapper : PeerRole.Peer;
            }

            var parsed = Choice("role", PeerRoleNames.Peer, PeerRoleNames.Peer, PeerRoleNames.Bootstrapper) == PeerRoleNames.Bootstrapper ? PeerRole.Bootstrapper : PeerRole.Peer;
            if (configuration["iplsIsBootstrapper"] is not null && referenceBootstrapper != (parsed == PeerRole.Bootstrapper))
            {
                Error("role", role, $"contradicts iplsIsBootstrapper = {configuration["iplsIsBootstrapper"]}");
            }

            return parsed;
        }

        private GeneratorSettings Generator()
        {
            string mode = Choice("generator:mode", "normal", "normal", "anomaly");
            var settings = new GeneratorSettings
            {
                Enabled = Bool("generator:enabled", false),
                Mode = mode == "anomaly" ? GeneratorMode.Anomaly : GeneratorMode.Normal,
                RateHz = Double("generator:rateHz", 4, 0.01, 1000),
                NormalFile = Text("generator:normalFile"),
                AnomalyFile = Text("generator:anomalyFile"),
                Seed = Int("generator:seed", _vehicle, int.MinValue, int.MaxValue),
            };
            if ((settings.NormalFile is null) != (settings.AnomalyFile is null))
            {
                Error("generator:normalFile", settings.NormalFile ?? settings.AnomalyFile, "normalFile and anomalyFile go together (or neither, for synthetic data)");
            }

            return settings;
        }

        /// <summary>The value with placeholders filled; an unfillable placeholder is an error when <paramref name="strict"/>, else the value is null.</summary>
        private string? Text(string key, bool strict = true)
        {
            string? raw = configuration[key];
            if (raw is null)
            {
                return null;
            }

            bool unresolved = false;
            string expanded = Placeholder().Replace(raw, match =>
            {
                string name = match.Groups[1].Value;
                if (variables.TryGetValue(name, out string? value))
                {
                    return value;
                }

                if (name == "NODE_NUMBER")
                {
                    return _vehicle.ToString(CultureInfo.InvariantCulture);
                }

                unresolved = true;
                if (strict)
                {
                    Error(key, raw, $"placeholder ${{{name}}} has no value (set the environment variable {name})");
                }

                return match.Value;
            });
            return unresolved && !strict ? null : expanded.Trim();
        }

        /// <summary>
        /// A secret given inline (<paramref name="key"/>) or as a file to read (<paramref name="fileKey"/>,
        /// e.g. a container secret under /run/secrets, so the value never sits in the environment or a
        /// config file); surrounding whitespace and the final newline are dropped. Giving both is an error:
        /// which secret is in use must never be a guess. Returns the value and the key it came from.
        /// </summary>
        private (string? Value, string Key) Secret(string key, string fileKey)
        {
            string? inline = Text(key);
            string? path = Text(fileKey);
            if (string.IsNullOrEmpty(path))
            {
                return (inline, key);
            }

            if (!string.IsNullOrEmpty(inline))
            {
                Error(fileKey, path, $"give {key} or {fileKey}, not both");
                return (inline, key);
            }

            try
            {
                string value = File.ReadAllText(path).Trim();
                if (value.Length == 0)
                {
                    Error(fileKey, path, "the file is empty");
                }

                return (value, fileKey);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                Error(fileKey, path, $"cannot read the file: {ex.Message}");
                return (null, fileKey);
            }
        }

        private string Topic(string key, string fallback)
        {
            string? topic = Text(key);
            if (string.IsNullOrEmpty(topic))
            {
                return fallback;
            }

            if (topic.Contains('#', StringComparison.Ordinal) || topic.Contains('+', StringComparison.Ordinal))
            {
                Error(key, topic, "must be a plain topic without MQTT wildcards");
            }

            return topic;
        }

        private int Int(string key, int fallback, int min, int max)
        {
            string? raw = Text(key);
            if (string.IsNullOrEmpty(raw))
            {
                return fallback;
            }

            if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            {
                Error(key, raw, $"must be a whole number between {min} and {max}");
                return fallback;
            }

            if (value < min || value > max)
            {
                Error(key, raw, $"must be between {min} and {max}");
                return fallback;
            }

            return value;
        }

        private double Double(string key, double fallback, double min, double max)
        {
            string? raw = Text(key);
            if (string.IsNullOrEmpty(raw))
            {
                return fallback;
            }

            if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            {
                Error(key, raw, $"must be a number between {min} and {max}");
                return fallback;
            }

            if (value < min || value > max)
            {
                Error(key, raw, $"must be between {min} and {max}");
                return fallback;
            }

            return value;
        }

        private bool Bool(string key, bool fallback)
        {
            string? raw = Text(key);
            if (string.IsNullOrEmpty(raw))
            {
                return fallback;
            }

            if (bool.TryParse(raw, out bool value))
            {
                return value;
            }

            Error(key, raw, "must be true or false");
            return fallback;
        }

        private string Choice(string key, string fallback, params string[] allowed)
        {
            string? raw = Text(key);
            if (string.IsNullOrEmpty(raw))
            {
                return fallback;
            }

            foreach (string option in allowed)
            {
                if (string.Equals(option, raw, StringComparison.OrdinalIgnoreCase))
                {
                    return option;
                }
            }

            Error(key, raw, $"must be one of {string.Join(", ", allowed)}");
            return fallback;
        }

        /// <summary>A JSON array; entries with placeholders nobody can fill are errors only when the list is used (<paramref name="strict"/>).</summary>
        private List<string> List(string key, bool strict)
        {
            var items = new List<string>();
            foreach (var child in configuration.GetSection(key).GetChildren())
            {
                string? value = Text($"{key}:{child.Key}", strict);
                if (!string.IsNullOrEmpty(value))
                {
                    items.Add(value);
                }
            }

            return items;
        }

        private Uri? Url(string key)
        {
            string? raw = Text(key);
            if (string.IsNullOrEmpty(raw))
            {
                return null;
            }

            if (Uri.TryCreate(raw, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                return uri;
            }

            Error(key, raw, "must be an absolute http:// or https:// URL");
            return null;
        }

        private void Error(string key, string? value, string message) => Errors.Add(new ConfigIssue(key, value, message));
    }
}
