using IplsCore.Control;
using IplsWeb.Fleet;
using Microsoft.AspNetCore.Components;

namespace IplsWeb.Components.Pages;

/// <summary>One vehicle: live and stored scores, sensor values, its agent, alert and recent events.</summary>
public sealed partial class VehicleDetail
{
    private const int EventsShown = 30;
    private readonly string _zone = Times.Format(DateTimeOffset.UnixEpoch, TimeZoneInfo.Local)[9..];
    private AgentEntry? _agent;
    private AgentStatusReport? _status;
    private float[] _sensor = [];
    private long _sensorAt;
    private IReadOnlyList<EventRun> _events = [];
    private Alert? _alert;
    private double _smoothed;
    private double _downFromPeak;
    private bool _publishing;

    [Parameter]
    public int Vehicle { get; set; }

    protected override bool Shows(FleetChange change) =>
        change.Vehicle == Vehicle || change.Kind is FleetChangeKind.Event or FleetChangeKind.Threshold;

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

    private async Task PublishModeAsync(IplsCore.Data.GeneratorMode mode)
    {
        _publishing = true;
        var result = await Generators.SetAsync(Vehicle, mode, CancellationToken.None);
        _publishing = false;
        Snackbar.Add($"Vehicle {Vehicle}: {result.Message}", result.Accepted ? MudBlazor.Severity.Success : MudBlazor.Severity.Error);
    }

    private void Read()
    {
        _agent = Fleet.AgentForVehicle(Vehicle);
        _status = _agent?.Status;
        (_sensor, _sensorAt) = Fleet.Vehicle(Vehicle).LastSensor;
        string subject = $"vehicle {Vehicle}";
        string? agentId = _agent?.Registration.AgentId;
        _events = EventRun.Group(Fleet.Events().Where(e => e.Subject == subject || e.Subject == agentId)).Take(EventsShown).ToList();
        _alert = Fleet.Alerts.Firing(Vehicle);
        _smoothed = Fleet.Alerts.Smoothed(Vehicle);
        double peak = Fleet.Alerts.PeakSmoothed(Vehicle);
        _downFromPeak = _alert is null || peak <= 0 ? 0 : Math.Max(0, (peak - _smoothed) / peak);
    }
}
