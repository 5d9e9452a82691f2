namespace IplsWeb.Hosting;

/// <summary>
/// The broker mode, and how the embedded broker treats a subscriber that falls behind (section "Dashboard:Broker").
/// Short bursts are absorbed by holding publishers back; a subscriber that stops reading is capped and
/// its excess dropped, so it can never stall the fleet or eat the dashboard's memory.
/// </summary>
public sealed record BrokerOptions
{
    /// <summary>Embedded (default): the dashboard is the broker. External: it is a client of the broker in <see cref="External"/>.</summary>
    public BrokerMode Mode { get; init; } = BrokerMode.Embedded;

    /// <summary>The external broker; read only in <see cref="BrokerMode.External"/>.</summary>
    public ExternalBrokerOptions External { get; init; } = new();

    /// <summary>Messages queued for one subscriber at most; newer ones are dropped for it (and counted) beyond this.</summary>
    public int MaxPendingPerClient { get; init; } = 50_000;

    /// <summary>When a draining subscriber's queue passes this, publishers are held until it is back under <see cref="ResumeBelow"/>.</summary>
    public int HoldPublishersAbove { get; init; } = 1_000;

    public int ResumeBelow { get; init; } = 250;

    /// <summary>Longest a single publish is held.</summary>
    public TimeSpan MaxHold { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A subscriber that has sent nothing for this long while messages wait is stalled: publishers stop waiting for it.</summary>
    public TimeSpan StallAfter { get; init; } = TimeSpan.FromSeconds(5);

    public IEnumerable<string> Problems()
    {
        if (!Enum.IsDefined(Mode))
        {
            yield return $"Dashboard:Broker:Mode = {Mode}: Embedded or External";
        }

        if (Mode == BrokerMode.External)
        {
            foreach (string problem in External.Problems())
            {
                yield return problem;
            }
        }

        if (MaxPendingPerClient is < 10 or > 1_000_000)
        {
            yield return $"Dashboard:Broker:MaxPendingPerClient = {MaxPendingPerClient}: between 10 and 1,000,000";
        }

        if (ResumeBelow < 0 || ResumeBelow >= HoldPublishersAbove || HoldPublishersAbove >= MaxPendingPerClient)
        {
            yield return $"Dashboard:Broker:ResumeBelow = {ResumeBelow}, HoldPublishersAbove = {HoldPublishersAbove}: need 0 ≤ ResumeBelow < HoldPublishersAbove < MaxPendingPerClient ({MaxPendingPerClient})";
        }

        if (MaxHold <= TimeSpan.Zero || MaxHold > TimeSpan.FromSeconds(30) || StallAfter <= TimeSpan.Zero || StallAfter > TimeSpan.FromMinutes(1))
        {
            yield return $"Dashboard:Broker:MaxHold = {MaxHold}, StallAfter = {StallAfter}: MaxHold within (0, 30 s], StallAfter within (0, 1 min]";
        }
    }
}
