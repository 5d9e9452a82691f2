using IplsWeb.Fleet;

namespace IplsWeb.Components.Pages;

/// <summary>The fleet overview: a card per vehicle. It renders only when the set of vehicles changes; cards render themselves.</summary>
public sealed partial class Home
{
    private List<int> _vehicles = [];

    protected override bool Shows(FleetChange change) => change.Kind is FleetChangeKind.VehicleAdded || (change.Kind is FleetChangeKind.Agent && !_vehicles.Contains(change.Vehicle));

    protected override void OnParametersSet() => _vehicles = VehicleNumbers();

    protected override bool ShouldRender()
    {
        bool render = base.ShouldRender();
        if (render)
        {
            _vehicles = VehicleNumbers();
        }

        return render;
    }

    // Vehicles with a peer agent or with scores; bootstrappers have no vehicle.
    private List<int> VehicleNumbers() =>
        [.. Fleet.Agents.Where(a => a.Registration.Role == IplsCore.Ipls.PeerRole.Peer).Select(a => a.Registration.Vehicle)
            .Union(Fleet.Vehicles.Select(v => v.Vehicle))
            .Order()];
}
