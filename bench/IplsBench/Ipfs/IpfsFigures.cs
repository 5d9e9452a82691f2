using System.Text.Json.Serialization;

namespace IplsBench.Ipfs;

/// <summary>A federation over running IPFS daemons, as <c>ipfs --json</c> prints it.</summary>
internal sealed record IpfsFigures(
    [property: JsonPropertyName("daemon")] string Daemon,
    [property: JsonPropertyName("agents")] int Agents,
    [property: JsonPropertyName("seconds_measured")] double SecondsMeasured,
    [property: JsonPropertyName("seconds_to_first_rounds")] double SecondsToFirstRounds,
    [property: JsonPropertyName("rounds_per_minute")] double RoundsPerMinute,
    [property: JsonPropertyName("bytes_source")] string BytesSource,
    [property: JsonPropertyName("bytes_sent_per_peer_per_round")] double? BytesSentPerPeerPerRound,
    [property: JsonPropertyName("bytes_received_per_peer_per_round")] double? BytesReceivedPerPeerPerRound,
    [property: JsonPropertyName("joiner_seconds_to_first_fleet_model")] double? JoinerSecondsToFleetModel,
    [property: JsonPropertyName("joiner_synchronized_by")] string JoinerSynchronizedBy,
    [property: JsonPropertyName("restart")] IpfsRestartFigures? Restart);

/// <summary>One peer's daemon restarted under the fleet.</summary>
internal sealed record IpfsRestartFigures(
    [property: JsonPropertyName("restart_command_s")] double RestartCommandSeconds,
    [property: JsonPropertyName("seconds_to_next_round_after_restart")] double? SecondsToNextRound,
    [property: JsonPropertyName("seconds_until_heard_again")] double? SecondsUntilHeardAgain,
    [property: JsonPropertyName("rounds_by_others_during_restart")] int RoundsByOthersDuringRestart);
