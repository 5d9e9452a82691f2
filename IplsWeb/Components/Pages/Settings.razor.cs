using IplsWeb.Broker;
using IplsWeb.Fleet;
using IplsWeb.Hosting;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace IplsWeb.Components.Pages;

/// <summary>Threshold and history retention (applied through <see cref="FleetSettings"/>, which reaches every agent), and the fleet token on demand.</summary>
public sealed partial class Settings
{
    private double _threshold;
    private int _retentionHours;
    private bool _reveal;
    private bool _busy;
    private List<(bool Ok, string Text)> _results = [];

    [Inject]
    private RuntimeSettings Runtime { get; set; } = default!;

    [Inject]
    private FleetSettings FleetSettings { get; set; } = default!;

    [Inject]
    private FleetSecret Secret { get; set; } = default!;

    [Inject]
    private DashboardOptions Options { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    private IServiceProvider Services { get; set; } = default!;

    /// <summary>The external broker's link, in External mode only (there is none with the embedded broker).</summary>
    private ExternalBrokerClient? ExternalBroker => Services.GetService<ExternalBrokerClient>();

    protected override void OnInitialized()
    {
        _threshold = Runtime.Threshold;
        _retentionHours = Runtime.RetentionHours;
    }

    private async Task SaveAsync()
    {
        _results = [];
        _busy = true;
        var outcome = await FleetSettings.ApplyAsync(_threshold, _retentionHours);
        _busy = false;
        if (outcome.Error is { } error)
        {
            _results.Add((false, error));
            return;
        }

        _results.Add((true, "saved"));
        _results.AddRange(outcome.Agents.Select(a => (a.Result.Accepted, $"{a.AgentId}: {a.Result.Message}")));
        Snackbar.Add("Settings saved", Severity.Success);
    }
}
