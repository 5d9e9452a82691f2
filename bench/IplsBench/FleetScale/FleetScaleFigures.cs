using System.Text.Json.Serialization;

namespace IplsBench.FleetScale;

/// <summary>The issue's targets for one machine (this 2-core one): what "the dashboard keeps up" means.</summary>
internal sealed record FleetScaleTargets
{
    public static readonly FleetScaleTargets Issue = new();

    /// <summary>Scores (and sensor messages, and hub reports) recorded per second at least this share of what the fleet sends.</summary>
    public double SustainedFraction { get; init; } = 0.98;

    public long ScoresLostMax { get; init; }

    public double HistoryLagP99MaxS { get; init; } = 2;

    public double DashboardCpuCoresMax { get; init; } = 1;

    public double DashboardRssMbMax { get; init; } = 1024;

    public double OverviewFpsMin { get; init; } = 50;
}

/// <summary>Which targets one run met; <see cref="Overview"/> is null when the page was not measured (<c>--overview-seconds 0</c>: server-side targets only).</summary>
internal sealed record FleetScalePass(bool Sustained, bool NoScoresLost, bool HistoryLag, bool DashboardCpu, bool DashboardMemory, bool? Overview)
{
    [JsonIgnore]
    public bool All => Sustained && NoScoresLost && HistoryLag && DashboardCpu && DashboardMemory && Overview != false;
}

/// <summary>One fleet-scale run: N simulated vehicles (scores, sensor messages, hub status) against the dashboard process.</summary>
internal sealed record FleetScaleFigures
{
    public required int Vehicles { get; init; }

    public required double RateHz { get; init; }

    public required string Broker { get; init; }

    public required string History { get; init; }

    /// <summary>Length of the measured window (after the warm-up), seconds.</summary>
    public required double Seconds { get; init; }

    /// <summary>The machine's 1-minute load average, mean over the window (the machine is shared).</summary>
    [JsonPropertyName("load_average_1m")]
    public required double LoadAverage1m { get; init; }

    public required double ScoresExpectedPerS { get; init; }

    /// <summary>Scores the simulated fleet sent per second in the window (below the expected rate: the generator fell behind, not the dashboard).</summary>
    public required double ScoresOfferedPerS { get; init; }

    /// <summary>Scores produced in the window that reached the history, per second.</summary>
    public required double ScoresInPerS { get; init; }

    public required double SensorMsgsPerS { get; init; }

    /// <summary>Scores the fleet sent during the whole run (warm-up included).</summary>
    public required long ScoresSent { get; init; }

    /// <summary>Sent but not in the history after the drain (publish failures included).</summary>
    public required long ScoresLost { get; init; }

    public required long PublishFailures { get; init; }

    /// <summary>From a score's produced time to its row being readable in the store (one probe a second); null without probes.</summary>
    [JsonPropertyName("history_lag_s_p50")]
    public required double? HistoryLagSP50 { get; init; }

    [JsonPropertyName("history_lag_s_p99")]
    public required double? HistoryLagSP99 { get; init; }

    public required int LagProbes { get; init; }

    /// <summary>Probes not found by the end of the drain (their lag counts as the time waited).</summary>
    public required int LagProbesUnresolved { get; init; }

    /// <summary>Size of the SQLite history (database and WAL) after the run, MB; null for PostgreSQL.</summary>
    public double? HistoryStoreMb { get; init; }

    public required double DashboardCpuCores { get; init; }

    /// <summary>Peak resident memory of the dashboard process in the window (VmRSS, MB).</summary>
    public required double DashboardRssMb { get; init; }

    /// <summary>mosquitto's CPU over the same window (<c>--broker external</c>; null with the embedded broker, which is in the dashboard's figure).</summary>
    public double? BrokerCpuCores { get; init; }

    /// <summary>mosquitto's peak VmRSS in the window, MB (one process: RSS is fair); null with the embedded broker.</summary>
    public double? BrokerRssMb { get; init; }

    /// <summary>PostgreSQL's CPU over the same window: the postmaster and all its backends and workers, those that exited included (<c>--history postgres</c>; else null).</summary>
    public double? PostgresCpuCores { get; init; }

    /// <summary>PostgreSQL's peak memory, MB: PSS summed over its processes (shared buffers counted once); null when not run or smaps_rollup was not readable.</summary>
    public double? PostgresPssMb { get; init; }

    /// <summary>PostgreSQL's VmRSS summed over its processes at the same sample, MB: an over-count (shared memory once per process), for comparison.</summary>
    public double? PostgresRssSumMb { get; init; }

    /// <summary>PostgreSQL's processes at that sample (postmaster, backends, workers).</summary>
    public int? PostgresProcesses { get; init; }

    /// <summary>Dashboard + broker + PostgreSQL cores: what the mode costs the machine (the load generator not included). The targets stay on the dashboard's alone.</summary>
    public required double TotalCpuCores { get; init; }

    /// <summary>The load generator's own CPU (vehicles, hub connections, probes), for context.</summary>
    public required double BenchCpuCores { get; init; }

    /// <summary>Frames per second of <c>/</c> in headless Chromium; null when not measured or the page did not load.</summary>
    public double? OverviewFps { get; init; }

    public double? OverviewLongTaskPercent { get; init; }

    /// <summary>Which overview <c>/</c> showed: the card grid or the dense list.</summary>
    public string? OverviewView { get; init; }

    public string? OverviewNote { get; init; }

    public required int HubAgentsConnected { get; init; }

    public required double HubStatusExpectedPerS { get; init; }

    public required double HubStatusPerS { get; init; }

    /// <summary>The dashboard's last log lines (warnings and errors: a full history queue says so here).</summary>
    public string? DashboardLogTail { get; init; }

    public required FleetScaleTargets Targets { get; init; }

    public required FleetScalePass Pass { get; init; }

    public bool PassAll => Pass.All;
}

/// <summary>What <c>--find-max</c> tried and the largest fleet that met every target.</summary>
internal sealed record FleetScaleSearch(IReadOnlyList<FleetScaleFigures> Steps, int? LargestPassing);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(FleetScaleFigures))]
[JsonSerializable(typeof(FleetScaleSearch))]
internal sealed partial class FleetScaleJsonContext : JsonSerializerContext;
