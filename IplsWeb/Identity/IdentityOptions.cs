namespace IplsWeb.Identity;

/// <summary>How clients of the embedded broker are identified (section "Dashboard:Identity").</summary>
public sealed record IdentityOptions
{
    /// <summary>
    /// <see cref="BrokerIdentityMode.PerVehicle"/> (default): each vehicle signs in as <c>vehicle-{n}</c> with its own
    /// credential and may speak only for itself; the shared BrokerUsername/BrokerPassword is the operator's.
    /// <see cref="BrokerIdentityMode.Compatibility"/>: the reference's single shared credential, with every right.
    /// </summary>
    public BrokerIdentityMode Mode { get; init; } = BrokerIdentityMode.PerVehicle;

    /// <summary>Key the vehicle credentials are derived from (≥ 32 characters). Empty: generated once and kept in the data directory.</summary>
    public string? Key { get; init; }

    /// <summary>
    /// Per-vehicle credential generation (vehicle number → generation, default 0). Raising one vehicle's
    /// generation rotates its credential alone: the old one stops working at the dashboard's next start.
    /// </summary>
    public Dictionary<string, int> Generations { get; init; } = [];

    public ThrottleOptions Throttle { get; init; } = new();

    public IEnumerable<string> Problems()
    {
        if (!Enum.IsDefined(Mode))
        {
            yield return $"Dashboard:Identity:Mode = {Mode}: PerVehicle or Compatibility";
        }

        if (Key is { Length: > 0 and < 32 })
        {
            yield return "Dashboard:Identity:Key: at least 32 characters (or leave it empty to have one generated)";
        }

        foreach (var (vehicle, generation) in Generations)
        {
            if (!VehicleNumber.TryParse(vehicle, out _) || generation < 0)
            {
                yield return $"Dashboard:Identity:Generations:{vehicle} = {generation}: a vehicle number (1–99999) and a generation ≥ 0";
            }
        }

        foreach (string problem in Throttle.Problems())
        {
            yield return problem;
        }
    }
}

public enum BrokerIdentityMode
{
    PerVehicle,
    Compatibility,
}

/// <summary>How failed sign-ins and MQTT connects from one source address are slowed (section "Dashboard:Identity:Throttle").</summary>
public sealed record ThrottleOptions
{
    /// <summary>Failures from one address that cost nothing (a typo, a client retrying once).</summary>
    public int FreeFailures { get; init; } = 3;

    /// <summary>Wait after the first failure beyond the free ones; doubles with each further failure.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>After this many failures the address is banned for <see cref="BanDuration"/>.</summary>
    public int BanAfter { get; init; } = 10;

    public TimeSpan BanDuration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>An address with no failure for this long starts afresh.</summary>
    public TimeSpan ForgetAfter { get; init; } = TimeSpan.FromMinutes(15);

    public IEnumerable<string> Problems()
    {
        if (FreeFailures < 0 || BanAfter <= FreeFailures || BanAfter > 10_000)
        {
            yield return $"Dashboard:Identity:Throttle:FreeFailures = {FreeFailures}, BanAfter = {BanAfter}: need 0 ≤ FreeFailures < BanAfter ≤ 10000";
        }

        if (BaseDelay <= TimeSpan.Zero || MaxDelay < BaseDelay || BanDuration <= TimeSpan.Zero || ForgetAfter <= TimeSpan.Zero)
        {
            yield return $"Dashboard:Identity:Throttle: BaseDelay ({BaseDelay}) > 0, MaxDelay ({MaxDelay}) ≥ BaseDelay, BanDuration ({BanDuration}) and ForgetAfter ({ForgetAfter}) > 0";
        }
    }
}
