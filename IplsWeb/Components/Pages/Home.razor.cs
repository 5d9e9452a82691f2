using IplsWeb.Fleet;
using IplsWeb.Hosting;
using Microsoft.AspNetCore.Components;

namespace IplsWeb.Components.Pages;

/// <summary>
/// The fleet overview: a card per vehicle for small fleets, the dense list (<see cref="Fleet.FleetTable"/>)
/// beyond <see cref="OverviewOptions.CardsUpTo"/> vehicles (a setting); the operator can flip it (<c>?view=cards|list</c>). It
/// renders only when the set of vehicles changes; cards and the list render themselves.
/// </summary>
public sealed partial class Home
{
    public const string CardsView = "cards";
    public const string ListView = "list";

    private List<int> _vehicles = [];
    private bool _list;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private DashboardOptions Options { get; set; } = default!;

    /// <summary>The operator's choice; none: by the fleet's size.</summary>
    [SupplyParameterFromQuery(Name = "view")]
    public string? View { get; set; }

    protected override bool Shows(FleetChange change) => change.Kind is FleetChangeKind.VehicleAdded || (change.Kind is FleetChangeKind.Agent && !_vehicles.Contains(change.Vehicle));

    protected override void OnParametersSet()
    {
        _vehicles = VehicleNumbers();
        ChooseView();
        Invalidate(); // a new ?view= renders at once
    }

    protected override bool ShouldRender()
    {
        bool render = base.ShouldRender();
        if (render)
        {
            _vehicles = VehicleNumbers();
            ChooseView();
        }

        return render;
    }

    private void ChooseView() => _list = View switch
    {
        CardsView => false,
        ListView => true,
        _ => _vehicles.Count > Options.Overview.CardsUpTo,
    };

    private Task ChooseViewAsync(string view)
    {
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("view", view), replace: true);
        return Task.CompletedTask;
    }

    // Vehicles with a peer agent or with scores; bootstrappers have no vehicle.
    private List<int> VehicleNumbers() =>
        [.. Fleet.Agents.Where(a => a.Registration.Role == IplsCore.Ipls.PeerRole.Peer).Select(a => a.Registration.Vehicle)
            .Union(Fleet.Vehicles.Select(v => v.Vehicle))
            .Order()];
}
