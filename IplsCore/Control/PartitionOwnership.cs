namespace IplsCore.Control;

/// <summary>This agent's part in one partition.</summary>
public enum PartitionOwnership
{
    None,
    Primary,
    Standby,
}
