using IplsCore.Control;
using IplsWeb.Fleet;
using IplsWeb.Hosting;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace IplsWeb.Broker;

/// <summary>Off loopback the embedded broker accepts only clients with the configured credentials; refusals are events.</summary>
public sealed partial class BrokerAuthentication(DashboardOptions options, FleetState fleet, ILogger<BrokerAuthentication> logger)
{
    public bool Required => !options.IsLoopbackOnly;

    public Task OnValidatingConnectionAsync(ValidatingConnectionEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (!Required)
        {
            return Task.CompletedTask;
        }

        bool ok = e.UserName == options.BrokerUsername && SecretComparer.Matches(options.BrokerPassword, e.Password);
        if (!ok)
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            LogRefused(e.ClientId, e.RemoteEndPoint?.ToString() ?? "?");
            fleet.Raise(FleetEventKind.Rejected, "broker", $"client {e.ClientId} from {e.RemoteEndPoint}: bad user name or password");
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Broker refused client {Client} from {Remote}: bad user name or password")]
    private partial void LogRefused(string client, string remote);
}
