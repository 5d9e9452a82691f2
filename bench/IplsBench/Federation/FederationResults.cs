using System.Text.Json.Serialization;

namespace IplsBench.Federation;

internal sealed record ModeResult(
    [property: JsonPropertyName("v1_peak")] double V1Peak,
    [property: JsonPropertyName("v1_recover_s")] double V1RecoverSeconds,
    [property: JsonPropertyName("v2_peak")] double V2Peak,
    [property: JsonPropertyName("v2_recover_s")] double V2RecoverSeconds,
    [property: JsonPropertyName("v2_to_v1_peak")] double V2ToV1Peak,
    [property: JsonPropertyName("bystander_score_ratio")] double BystanderScoreRatio,
    [property: JsonPropertyName("normal_false_alarms")] double NormalFalseAlarms,
    [property: JsonPropertyName("v2_fleet_anomaly_score_at_switch")] double V2FleetAnomalyScoreAtSwitch,
    [property: JsonPropertyName("v1_own_anomaly_score_at_v2_switch")] double V1OwnAnomalyScoreAtV2Switch);

internal sealed record FaultResults(
    [property: JsonPropertyName("crash_max_round_gap_s")] double CrashMaxRoundGapSeconds,
    [property: JsonPropertyName("crash_max_update_gap_s")] double CrashMaxUpdateGapSeconds,
    [property: JsonPropertyName("join_score_ratio")] double JoinScoreRatio,
    [property: JsonPropertyName("join_vs_no_join_ratio")] double JoinVsNoJoinRatio,
    [property: JsonPropertyName("loss10_v2_recover_s")] double Loss10V2RecoverSeconds,
    [property: JsonPropertyName("split_heal_recover_s")] double SplitHealRecoverSeconds);

internal sealed record ScalePoint(
    [property: JsonPropertyName("peers")] int Peers,
    [property: JsonPropertyName("partitions")] int Partitions,
    [property: JsonPropertyName("bytes_sent_per_peer_per_round")] double BytesSentPerPeerPerRound,
    [property: JsonPropertyName("bytes_received_per_peer_per_round")] double BytesReceivedPerPeerPerRound,
    [property: JsonPropertyName("wall_s")] double WallSeconds);

internal sealed record ScaleResults(
    [property: JsonPropertyName("points")] IReadOnlyList<ScalePoint> Points);

internal sealed record FederationResults(
    [property: JsonPropertyName("modes")] IReadOnlyDictionary<string, ModeResult> Modes,
    [property: JsonPropertyName("faults")] FaultResults? Faults,
    [property: JsonPropertyName("scale")] ScaleResults? Scale);
