namespace IplsWeb.Fleet;

public enum FleetEventKind
{
    Joined,
    Left,
    Lost,
    ConfigChanged,
    ModeSwitched,
    ThresholdCrossed,
    Rejected,
    Command,
}
