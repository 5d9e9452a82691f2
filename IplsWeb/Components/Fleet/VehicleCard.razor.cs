using IplsCore.Control;
using IplsWeb.Fleet;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace IplsWeb.Components.Fleet;

/// <summary>One vehicle on the fleet page: live score, state, alert and learning, the generator switch.</summary>
public sealed partial class VehicleCard
{
    /// <summary>A vehicle whose agent finished a training round this recently counts as "being learned from".</summary>
    private static readonly TimeSpan LearningWindow = TimeSpan.FromSeconds(30);

    private AgentEntry? _agent;
    private AgentStatusReport? _status;
    private float? _last;
    private double _share;
    private bool _learning;
    private bool _frozen;
    private string? _healthDetail;
    private Alert? _alert;
    private double _smoothed;
    private double _downFromPeak;
    private bool _busy;

    [Inject]
    private AgentCommands Commands { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [Parameter, EditorRequired]
    public int Vehicle { get; set; }

    private string CardClass => _frozen ? "vehicle-card inactive" : "vehicle-card";

    protected override bool Shows(FleetChange change) =>
        change.Vehicle == Vehicle || change.Kind == FleetChangeKind.Threshold;

    protected override void OnParametersSet() => Read();

    protected override bool ShouldRender()
    {
        bool render = base.ShouldRender();
        if (render)
        {
            Read();
        }

        return render;
    }

    private void Read()
    {
        var now = Time.GetUtcNow();
        _agent = Fleet.AgentForVehicle(Vehicle);
        _status = _agent?.Status;
        var window = Fleet.Vehicle(Vehicle).Scores.Since(now.AddMinutes(-5).ToUnixTimeMilliseconds());
        _last = window.Length > 0 ? window[^1].Score : null;
        _share = window.Length == 0 ? 0 : window.Count(p => p.Score > Fleet.Threshold) / (double)window.Length;
        _learning = _agent is { Health: AgentHealth.Running, LearnedAt: { } learned } && now - learned < LearningWindow;
        _frozen = _agent?.Health is AgentHealth.Stopped or AgentHealth.Unreachable;
        _healthDetail = _frozen ? _agent!.HealthDetail(TimeZoneInfo.Local) : null;
        _alert = Fleet.Alerts.Firing(Vehicle);
        _smoothed = Fleet.Alerts.Smoothed(Vehicle);
        double peak = Fleet.Alerts.PeakSmoothed(Vehicle);
        _downFromPeak = _alert is null || peak <= 0 ? 0 : Math.Max(0, (peak - _smoothed) / peak);
    }

    // "peers seen 4" left open whether the bootstrapper was one of them: counted apart.
    internal static string InContact(IReadOnlyList<PeerSeen> seen)
    {
        int bootstrappers = seen.Count(p => p.Role == IplsCore.Ipls.PeerRole.Bootstrapper);
        int peers = seen.Count - bootstrappers;
        return $"{peers} {(peers == 1 ? "peer" : "peers")}, {bootstrappers} {(bootstrappers == 1 ? "bootstrapper" : "bootstrappers")}";
    }

    private async Task SetModeAsync(bool anomaly)
    {
        var agent = Fleet.AgentForVehicle(Vehicle);
        if (agent is null)
        {
            return;
        }

        _busy = true;
        Invalidate();
        var result = await Commands.SetGeneratorModeAsync(agent.Registration.AgentId, anomaly ? "anomaly" : "normal");
        _busy = false;
        Snackbar.Add($"Vehicle {Vehicle}: {result.Message}", result.Accepted ? Severity.Success : Severity.Error);
        Invalidate();
    }
}
