using MQTTnet.Protocol;
using MQTTnet.Server;

namespace IplsWeb.Broker;

/// <summary>
/// On SIGTERM, before anything else stops: the embedded broker refuses new connections and closes
/// every client at once, so agents fail over to reconnecting instead of the host waiting out its
/// shutdown timeout for connections that never end by themselves (32 s before).
/// </summary>
public sealed partial class BrokerShutdown(MqttServer server, ILogger<BrokerShutdown> logger) : IHostedLifecycleService
{
    private volatile bool _closing;

    public Task OnValidatingConnectionAsync(ValidatingConnectionEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (_closing)
        {
            e.ReasonCode = MqttConnectReasonCode.ServerUnavailable;
        }

        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _closing = true;
        if (!server.IsStarted)
        {
            return;
        }

        var clients = await server.GetClientsAsync().ConfigureAwait(false);
        var closing = clients.Select(async client =>
        {
            try
            {
                await client.DisconnectAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Already gone or going: nothing more to do for this one.
                LogCloseFailed(client.Id, ex.Message);
            }
        });
        try
        {
            await Task.WhenAll(closing).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The host's shutdown timeout ends what is left.
        }

        LogClosed(clients.Count);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 5501, Level = LogLevel.Information, Message = "Shutting down: closed {Count} MQTT client connections")]
    private partial void LogClosed(int count);

    [LoggerMessage(EventId = 5502, Level = LogLevel.Debug, Message = "Shutting down: closing MQTT client {Client} failed: {Reason}")]
    private partial void LogCloseFailed(string client, string reason);
}
