using IplsCore.Data;
using IplsCore.Engine;
using IplsCore.Scaling;
using IplsCore.Training;

namespace IplsBench.Federation;

/// <summary>
/// One vehicle as the agent runs it: a sample every 250 ms is scored and fed to a
/// <see cref="RoundTrainer"/> at the reference cadence; each round starts from the fleet model and
/// its delta is shared with the weight <see cref="ContributionWeight"/> gives it. After warm-up,
/// scores use the fleet model the round started from, the locally fitted one (as the reference), or
/// the better of the fleet model and the vehicle's <see cref="PersonalModel"/>, as
/// <see cref="LearningOptions.ScoreWith"/> says.
/// </summary>
internal sealed class SimulatedVehicle
{
    private readonly MinMaxScaler _scaler;
    private readonly SyntheticVehicleData _source;
    private readonly PersonalizedScorer _scorer;
    private readonly RoundTrainer _trainer;
    private readonly PersonalModel? _personal;
    private readonly LearningOptions _learning;
    private readonly float[] _sample = new float[4];
    private readonly float[] _base;
    private readonly long[] _baseVersions;

    public SimulatedVehicle(string id, DenseNetwork initial, MinMaxScaler scaler, int partitions, int seed, IFleetLink link, LearningOptions learning)
    {
        Id = id;
        _learning = learning;
        _scaler = scaler;
        Link = link;
        _source = new SyntheticVehicleData(seed);
        bool personal = learning.ScoreWith == ScoreWith.Personal;
        _scorer = new PersonalizedScorer(ScoringModel.Create(initial, scaler), personal ? ScoringModel.Create(initial, scaler) : null);
        _trainer = new RoundTrainer(initial, scaler, new TrainingCadence(), partitions, seed);
        _personal = personal ? new PersonalModel(initial, scaler, new TrainingCadence(), learning, seed + 7919) : null;
        _base = new float[initial.ParameterCount];
        _baseVersions = new long[partitions];
    }

    public string Id { get; }

    public IFleetLink Link { get; }

    public GeneratorMode Mode
    {
        get => _source.Mode;
        set => _source.Mode = value;
    }

    public bool Running { get; set; } = true;

    public ScoreTracker Scores { get; } = new();

    public int Rounds => _trainer.Rounds;

    /// <summary>The model the fleet score comes from now.</summary>
    public ScoringModel FleetScoring => _scorer.FleetModel;

    /// <summary>The personal model now (null unless scoreWith: personal).</summary>
    public ScoringModel? PersonalScoring => _scorer.PersonalModel;

    public DateTimeOffset? LastRoundAt { get; private set; }

    public TimeSpan LongestRoundGap { get; private set; }

    /// <summary>Largest smoothed score seen since last reset (for the join scenario).</summary>
    public double MaxSmoothedSince { get; set; }

    public void OnSample(DateTimeOffset now)
    {
        if (!Running)
        {
            return;
        }

        _source.Next(_sample);
        Scores.Add(_scorer.Score(_sample), now);
        MaxSmoothedSince = Math.Max(MaxSmoothedSince, Scores.Smoothed);
        if (_personal?.Add(_sample, _scorer.FleetModel) is { } personal)
        {
            _scorer.PersonalModel = personal;
        }

        if (_trainer.AwaitingRoundStart)
        {
            if (!Link.Ready)
            {
                return; // a joiner scores with what it has but trains only once it holds the fleet model
            }

            Link.CopyBase(_base, _baseVersions, _trainer.Network.Parameters);
            if (_learning.ShareWhileLearning && _personal is { LastStep: PersonalStep.Train })
            {
                _trainer.BeginRound(_personal.Network.Parameters, _base, _baseVersions);
            }
            else
            {
                _trainer.BeginRound(_base, _baseVersions);
            }

            if (_learning.ScoreWith != ScoreWith.Local && !_trainer.WarmingUp)
            {
                _scorer.FleetModel = ScoringModel.Create(_trainer.Network, _scaler);
            }
        }

        if (_trainer.Add(_sample) is not { } outcome)
        {
            return;
        }

        Link.Submit(outcome.Delta, outcome.BaseVersions, ContributionWeight.Of(outcome.Samples, outcome.BaseScore, _learning, DemoTiming.Threshold), outcome.Round);
        if (_learning.ScoreWith == ScoreWith.Local && outcome.Round > new TrainingCadence().WarmUpRounds)
        {
            _scorer.FleetModel = ScoringModel.Create(outcome.Fitted, _scaler);
        }

        if (LastRoundAt is { } last && now - last > LongestRoundGap)
        {
            LongestRoundGap = now - last;
        }

        LastRoundAt = now;
    }
}
