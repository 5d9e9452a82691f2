using IplsCore.Control;

namespace IplsWeb.Broker;

/// <summary>The dashboard's own publishes, through whichever broker its mode runs (embedded or external).</summary>
public interface IBrokerPublisher
{
    /// <summary>Publishes at QoS 1; refused (with the reason) when the broker cannot take it now.</summary>
    Task<CommandResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}
