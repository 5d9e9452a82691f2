using System.Text.Json.Serialization;

namespace IplsBench.Agent;

internal sealed record AgentFigures(
    [property: JsonPropertyName("rss_mb_peak")] double RssMbPeak,
    [property: JsonPropertyName("cpu_pct_mean")] double CpuPercentMean,
    [property: JsonPropertyName("scores")] long Scores,
    [property: JsonPropertyName("rounds")] int Rounds,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("rate_hz")] double RateHz,
    [property: JsonPropertyName("hub")] bool Hub,
    [property: JsonPropertyName("ipls_peers")] int IplsPeers);
