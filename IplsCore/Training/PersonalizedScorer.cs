using IplsCore.Engine;

namespace IplsCore.Training;

/// <summary>
/// Scores with the fleet model and, when present, with the vehicle's personal model, and reports the
/// lower score: a sample is anomalous only when neither what the fleet learnt nor what this vehicle
/// learnt by itself explains it. The fleet brings other vehicles' experience (a second vehicle meeting
/// data the first already taught the fleet scores low); the personal model keeps the vehicle's own
/// normal low while the fleet model moves towards another vehicle's data. One instance per thread;
/// the models may be replaced from any thread.
/// </summary>
public sealed class PersonalizedScorer
{
    private readonly AnomalyScorer _fleet;
    private readonly AnomalyScorer? _personal;

    /// <param name="fleet">the model the scores start from (the fleet model, or the local fit with <c>scoreWith: local</c>)</param>
    /// <param name="personal">the personal model, or null to score with <paramref name="fleet"/> alone</param>
    public PersonalizedScorer(ScoringModel fleet, ScoringModel? personal)
    {
        _fleet = new AnomalyScorer(fleet, maxBatch: 1);
        _personal = personal is null ? null : new AnomalyScorer(personal, maxBatch: 1);
    }

    public ScoringModel FleetModel
    {
        get => _fleet.Model;
        set => _fleet.Model = value;
    }

    /// <summary>The personal model; setting it on a scorer built without one is an error.</summary>
    public ScoringModel? PersonalModel
    {
        get => _personal?.Model;
        set => (_personal ?? throw new InvalidOperationException("This scorer has no personal model."))
            .Model = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The score under the fleet model at the last <see cref="Score"/>.</summary>
    public float LastFleetScore { get; private set; }

    /// <summary>The score under the personal model at the last <see cref="Score"/> (NaN without one).</summary>
    public float LastPersonalScore { get; private set; } = float.NaN;

    /// <summary>min(fleet score, personal score) of one raw row.</summary>
    public float Score(ReadOnlySpan<float> row)
    {
        float fleet = _fleet.Score(row);
        LastFleetScore = fleet;
        if (_personal is null)
        {
            return fleet;
        }

        float personal = _personal.Score(row);
        LastPersonalScore = personal;
        return Combine(fleet, personal);
    }

    /// <summary>The rule: the better (lower) of the two reconstruction errors.</summary>
    public static float Combine(float fleetScore, float personalScore) => MathF.Min(fleetScore, personalScore);
}
