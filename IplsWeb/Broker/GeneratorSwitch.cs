using IplsCore.Control;
using IplsCore.Data;
using IplsCore.Messages;
using IplsWeb.Fleet;

namespace IplsWeb.Broker;

/// <summary>
/// Switches a vehicle's generator over MQTT (<c>vehicle/{n}/generator</c> <c>{"mode":…}</c>, or the generator
/// topic its agent announced), as the reference's frontend did: it reaches generators without a hub link
/// (the reference's, <c>ipls-agent generate --publish</c>) as well as the agents' own, in either broker mode.
/// </summary>
public sealed class GeneratorSwitch(IBrokerPublisher broker, FleetState fleet)
{
    public async Task<CommandResult> SetAsync(int vehicle, GeneratorMode mode, CancellationToken cancellationToken)
    {
        string topic = fleet.AgentForVehicle(vehicle)?.Registration.Topics?.Generator ?? VehicleTopics.DefaultGenerator(vehicle);
        var result = await broker.PublishAsync(topic, GeneratorCommand.Write(mode), cancellationToken).ConfigureAwait(false);
        fleet.Raise(FleetEventKind.Command, $"vehicle {vehicle}", $"generator {GeneratorModeParser.ToWireName(mode)} over MQTT: {(result.Accepted ? "published" : "refused")} — {result.Message}");
        return result;
    }
}
