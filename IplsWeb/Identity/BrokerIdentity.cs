namespace IplsWeb.Identity;

/// <summary>Who a broker client is, fixed when it connects; its topic rights follow from this alone (<see cref="TopicPermissions"/>).</summary>
public sealed record BrokerIdentity(BrokerIdentityKind Kind, int Vehicle = 0)
{
    /// <summary>Key under which the identity sits in the client's MQTT session items.</summary>
    public const string SessionKey = "ipls.identity";

    public static readonly BrokerIdentity Anonymous = new(BrokerIdentityKind.Anonymous);
    public static readonly BrokerIdentity Operator = new(BrokerIdentityKind.Operator);
    public static readonly BrokerIdentity Shared = new(BrokerIdentityKind.Shared);

    public static BrokerIdentity ForVehicle(int vehicle) => new(BrokerIdentityKind.Vehicle, vehicle);

    public override string ToString() => Kind switch
    {
        BrokerIdentityKind.Vehicle => VehicleCredentials.UserName(Vehicle),
        BrokerIdentityKind.Operator => "operator",
        BrokerIdentityKind.Shared => "shared credential",
        _ => "anonymous (loopback)",
    };
}

public enum BrokerIdentityKind
{
    /// <summary>No credential, accepted only while the dashboard listens on loopback alone (a single-user development setup).</summary>
    Anonymous,

    /// <summary>A vehicle's own credential: speaks only for that vehicle.</summary>
    Vehicle,

    /// <summary>The shared credential in per-vehicle mode: reads everything, may switch generators, never speaks for a vehicle.</summary>
    Operator,

    /// <summary>The shared credential in compatibility mode: every right, as in the reference.</summary>
    Shared,
}
