using IplsBench.Federation;

namespace IplsCore.Tests.Bench;

/// <summary>
/// The federation benchmark's spread of single runs (bench/IplsBench/Federation/FederationResults.cs,
/// linked in): ranges per goal figure and how many runs met every goal on their own.
/// </summary>
public sealed class FederationSpreadTests
{
    private static ModeResult Run(double recover, double ratio, double bystanders, double falseAlarms) =>
        new(0.22, recover, 0.22 * ratio, 2, ratio, bystanders, falseAlarms, 0.07, 0.07);

    [Fact]
    public void TheSpread_GivesEachFiguresRange_AndCountsTheRunsMeetingEveryGoal()
    {
        ModeResult[] runs =
        [
            Run(60, 0.4, 1.5, 0),  // every goal met, each at its limit
            Run(12, 0.41, 1.1, 0), // v2/v1 too high
            Run(20, 0.3, 1.2, 1),  // a false alarm
            Run(61, 0.3, 1.2, 0),  // vehicle 1 too slow
            Run(15, 0.35, 1.51, 0), // the bystanders moved too much
            Run(16, 0.33, 1.08, 0),
        ];

        var spread = ModeSpread.Of(runs);

        Assert.Equal(6, spread.Runs);
        Assert.Equal(new FigureRange(12, 61), spread.V1RecoverSeconds);
        Assert.Equal(new FigureRange(0.3, 0.41), spread.V2ToV1Peak);
        Assert.Equal(new FigureRange(1.08, 1.51), spread.BystanderScoreRatio);
        Assert.Equal(new FigureRange(0, 1), spread.NormalFalseAlarms);
        Assert.Equal(2, spread.RunsMeetingAllGoals);
    }
}
