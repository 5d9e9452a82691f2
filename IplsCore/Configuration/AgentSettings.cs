using IplsCore.Engine;
using IplsCore.Ipls;
using IplsCore.Messages;
using IplsCore.Training;

namespace IplsCore.Configuration;

/// <summary>
/// Everything an agent needs, read from the reference adConfig.json keys plus our own (see
/// <see cref="AgentSettingsReader"/> for the key list and the JSON schema shipped with the agent).
/// </summary>
public sealed record AgentSettings
{
    /// <summary>Stable id of this agent; null: generated once and kept in the state directory.</summary>
    public string? AgentId { get; init; }

    public int Vehicle { get; init; } = 1;

    public PeerRole Role { get; init; } = PeerRole.Peer;

    /// <summary>Null: the model bundled with the agent.</summary>
    public string? ModelPath { get; init; }

    /// <summary>Null: the scaler inside the model file.</summary>
    public string? ScalerPath { get; init; }

    public MqttSettings Mqtt { get; init; } = new("localhost", 1883, null, null);

    public string SensorTopic { get; init; } = "vehicle/1";

    public string ScoreTopic { get; init; } = "v1/anomaly";

    public string GeneratorTopic { get; init; } = "vehicle/1/generator";

    /// <summary>The three topics together, as the dashboard learns them from the registration.</summary>
    public VehicleTopics Topics => new(Vehicle, SensorTopic, ScoreTopic, GeneratorTopic);

    public double Threshold { get; init; } = AnomalyThreshold.Default;

    /// <summary>Score with the fleet model each round starts from (true) or the locally fitted one, as the reference (false).</summary>
    public bool ScoreWithFleetModel { get; init; } = true;

    public TrainingCadence Cadence { get; init; } = new();

    public IplsOptions Ipls { get; init; } = new();

    public IplsTransportKind Transport { get; init; } = IplsTransportKind.Mqtt;

    public string IpfsAddress { get; init; } = "/ip4/127.0.0.1/tcp/5001";

    public IReadOnlyList<string> IpfsBootstrapperAddresses { get; init; } = [];

    public IReadOnlyList<string> IpfsBootstrapperIds { get; init; } = [];

    public Uri? DashboardUrl { get; init; }

    /// <summary>The fleet secret: authenticates IPLS messages and the agent to the dashboard.</summary>
    public string FleetToken { get; init; } = string.Empty;

    public string StateDirectory { get; init; } = "state";

    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMinutes(1);

    public GeneratorSettings Generator { get; init; } = new();
}
