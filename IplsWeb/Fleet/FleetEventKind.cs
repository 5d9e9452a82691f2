namespace IplsWeb.Fleet;

public enum FleetEventKind
{
    Joined,
    Left,
    Lost,
    ConfigChanged,
    ModeSwitched,
    /// <summary>Written by older versions (one per crossing); alerts replace it.</summary>
    ThresholdCrossed,
    Rejected,
    Command,
    AlertFiring,
    AlertResolved,
}
