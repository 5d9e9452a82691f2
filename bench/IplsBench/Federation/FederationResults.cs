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
    [property: JsonPropertyName("v1_own_anomaly_score_at_v2_switch")] double V1OwnAnomalyScoreAtV2Switch)
{
    /// <summary>How single runs spread around the means above; set on the mean over runs only.</summary>
    [JsonPropertyName("spread")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ModeSpread? Spread { get; init; }
}

/// <summary>Lowest and highest value of one figure over the runs.</summary>
internal sealed record FigureRange(
    [property: JsonPropertyName("min")] double Min,
    [property: JsonPropertyName("max")] double Max)
{
    public static FigureRange Of(IEnumerable<double> values)
    {
        var list = values.ToList();
        return new FigureRange(list.Min(), list.Max());
    }
}

/// <summary>
/// The demo's single runs: the goals are judged on means, so this says how many runs met each goal
/// on their own (<see cref="DemoGoals"/>) and how far the worst run was.
/// </summary>
internal sealed record ModeSpread(
    [property: JsonPropertyName("runs")] int Runs,
    [property: JsonPropertyName("v1_recover_s")] FigureRange V1RecoverSeconds,
    [property: JsonPropertyName("v2_to_v1_peak")] FigureRange V2ToV1Peak,
    [property: JsonPropertyName("bystander_score_ratio")] FigureRange BystanderScoreRatio,
    [property: JsonPropertyName("normal_false_alarms")] FigureRange NormalFalseAlarms,
    [property: JsonPropertyName("runs_meeting_all_goals")] int RunsMeetingAllGoals)
{
    public static ModeSpread Of(IReadOnlyList<ModeResult> runs) => new(
        runs.Count,
        FigureRange.Of(runs.Select(r => r.V1RecoverSeconds)),
        FigureRange.Of(runs.Select(r => r.V2ToV1Peak)),
        FigureRange.Of(runs.Select(r => r.BystanderScoreRatio)),
        FigureRange.Of(runs.Select(r => r.NormalFalseAlarms)),
        runs.Count(DemoGoals.Met));
}

/// <summary>The demo's goals (docs/learning.md): what one run must show to count as meeting them.</summary>
internal static class DemoGoals
{
    public const double V1RecoverSecondsMax = 60;
    public const double V2ToV1PeakMax = 0.4;
    public const double BystanderScoreRatioMax = 1.5;

    public static bool Met(ModeResult run) =>
        run.V1RecoverSeconds <= V1RecoverSecondsMax
        && run.V2ToV1Peak <= V2ToV1PeakMax
        && run.BystanderScoreRatio <= BystanderScoreRatioMax
        && run.NormalFalseAlarms == 0;
}

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
