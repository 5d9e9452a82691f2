namespace IplsWeb.Hosting;

/// <summary>How the fleet overview shows the fleet (section "Dashboard:Overview").</summary>
public sealed record OverviewOptions
{
    /// <summary>
    /// Up to this many vehicles the overview shows a card with a live chart per vehicle, beyond it the
    /// virtualized list: every card redraws its chart, so many cards cost frames, while the list costs
    /// the same at any size (README, "Performance").
    /// </summary>
    public int CardsUpTo { get; init; } = 24;

    public IEnumerable<string> Problems()
    {
        if (CardsUpTo is < 1 or > 500)
        {
            yield return $"Dashboard:Overview:CardsUpTo = {CardsUpTo}: 1–500 vehicles shown as cards before the overview becomes a list";
        }
    }
}
