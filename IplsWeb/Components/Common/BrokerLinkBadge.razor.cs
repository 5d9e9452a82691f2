using IplsWeb.Broker;
using Microsoft.AspNetCore.Components;

namespace IplsWeb.Components.Common;

/// <summary>
/// The header's word on the external broker (Dashboard:Broker:Mode = External): shown only while the dashboard
/// is not connected to it (connecting, reconnecting), linking to Settings for the details. Nothing in embedded mode.
/// </summary>
public sealed partial class BrokerLinkBadge
{
    private ExternalBrokerClient? _client;
    private ExternalBrokerStatus? _status;

    [Inject]
    private IServiceProvider Services { get; set; } = default!;

    protected override void OnInitialized()
    {
        _client = Services.GetService<ExternalBrokerClient>();
        if (_client is not null)
        {
            _status = _client.Status;
            _client.StatusChanged += OnStatusChanged;
        }
    }

    public void Dispose()
    {
        if (_client is not null)
        {
            _client.StatusChanged -= OnStatusChanged;
        }
    }

    private void OnStatusChanged(ExternalBrokerStatus status)
    {
        _status = status;
        _ = InvokeAsync(StateHasChanged);
    }
}
