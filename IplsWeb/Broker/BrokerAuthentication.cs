using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using IplsCore.Logging;
using IplsWeb.Fleet;
using IplsWeb.Hosting;
using IplsWeb.Identity;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace IplsWeb.Broker;

/// <summary>
/// Admits broker clients: throttles guessing per source address, gives an empty client id a server-assigned
/// one on a clean session (MQTT 3.1.1 §3.1.3.1, as mosquitto does; the reference generator connects so), and
/// fixes each client's <see cref="BrokerIdentity"/> from its credential. Off loopback a credential is required.
/// Refusals are logged and raised as events at most once per source address and minute, with a count.
/// </summary>
public sealed partial class BrokerAuthentication
{
    private readonly DashboardOptions _options;
    private readonly VehicleCredentials _vehicles;
    private readonly AuthThrottle _throttle;
    private readonly FleetState _fleet;
    private readonly RateLimiter _reports;
    private readonly ILogger<BrokerAuthentication> _logger;

    public BrokerAuthentication(DashboardOptions options, VehicleCredentials vehicles, FleetState fleet, TimeProvider time, ILogger<BrokerAuthentication> logger)
    {
        _options = options;
        _vehicles = vehicles;
        _fleet = fleet;
        _logger = logger;
        _throttle = new AuthThrottle(options.Identity.Throttle, time);
        _reports = new RateLimiter(time, TimeSpan.FromMinutes(1));
    }

    public bool Required => !_options.IsLoopbackOnly;

    public Task OnValidatingConnectionAsync(ValidatingConnectionEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var source = (e.RemoteEndPoint as IPEndPoint)?.Address;
        if (string.IsNullOrEmpty(e.ClientId) && !AssignClientId(e))
        {
            e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            Refused(source, e.ClientId, "empty client id without a clean session (MQTT 3.1.1 §3.1.3.1)");
            return Task.CompletedTask;
        }

        BrokerIdentity? identity = null;
        var verdict = _throttle.Attempt(source, () => (identity = Resolve(e.UserName, e.Password)) is not null, out _, out int failures);
        if (!verdict.IsAllowed)
        {
            // Not checked at all: a guess made while waiting teaches nothing.
            e.ReasonCode = verdict.State == ThrottleState.Banned ? MqttConnectReasonCode.Banned : MqttConnectReasonCode.ServerBusy;
            Refused(source, e.ClientId, $"{(verdict.State == ThrottleState.Banned ? "banned" : "too many failures")}, next attempt in {Math.Ceiling(verdict.RetryAfter.TotalSeconds)} s");
            return Task.CompletedTask;
        }

        if (identity is null)
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            Refused(source, e.ClientId, $"bad user name or password for \"{e.UserName}\" ({failures} failure(s) from this address)");
            return Task.CompletedTask;
        }

        e.SessionItems[BrokerIdentity.SessionKey] = identity;
        return Task.CompletedTask;
    }

    /// <summary>The identity a credential proves, or null when it proves none (always an identity on a loopback-only dashboard, unless a vehicle's credential is wrong).</summary>
    public BrokerIdentity? Resolve(string? userName, string? password)
    {
        if (VehicleCredentials.TryVehicle(userName, out int vehicle))
        {
            return _vehicles.Matches(vehicle, password) ? BrokerIdentity.ForVehicle(vehicle) : null;
        }

        if (!string.IsNullOrEmpty(_options.BrokerPassword) && userName == _options.BrokerUsername && IplsCore.Control.SecretComparer.Matches(_options.BrokerPassword, password))
        {
            return _options.Identity.Mode == BrokerIdentityMode.Compatibility ? BrokerIdentity.Shared : BrokerIdentity.Operator;
        }

        return _options.IsLoopbackOnly ? BrokerIdentity.Anonymous : null;
    }

    private static bool AssignClientId(ValidatingConnectionEventArgs e)
    {
        string assigned = "auto-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        if (e.ProtocolVersion == MqttProtocolVersion.V500)
        {
            e.AssignedClientIdentifier = assigned; // v5 carries it back in the CONNACK
            return true;
        }

        if (e.CleanSession != true)
        {
            return false;
        }

        // MQTTnet applies AssignedClientIdentifier to v5 clients only; for 3.1.1 the id goes into the
        // CONNECT packet it validates next (the client is never told, as the spec intends).
        ConnectPacket(e).ClientId = assigned;
        return true;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_connectPacket")]
    private static extern ref MqttConnectPacket ConnectPacket(ValidatingConnectionEventArgs e);

    private void Refused(IPAddress? source, string? clientId, string reason)
    {
        string from = source?.ToString() ?? "?";
        if (!_reports.TryAcquire("connect " + from, out long suppressed))
        {
            return;
        }

        LogRefused(from, clientId ?? string.Empty, reason, suppressed);
        _fleet.Raise(FleetEventKind.Rejected, "broker", suppressed > 0
            ? $"{suppressed + 1} connects refused from {from} within a minute; latest: client \"{clientId}\": {reason}"
            : $"connect refused from {from}, client \"{clientId}\": {reason}");
    }

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Broker refused a client from {Remote} (client id \"{Client}\"): {Reason} ({Suppressed} more refusals from there since the last report)")]
    private partial void LogRefused(string remote, string client, string reason, long suppressed);
}
