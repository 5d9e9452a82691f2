using IplsCore.Data;
using IplsCore.Engine;
using IplsCore.Scaling;
using IplsCore.Training;

namespace IplsBench.Federation;

/// <summary>
/// One vehicle as the reference runs it: a sample every 250 ms is scored and fed to a
/// <see cref="RoundTrainer"/> at the reference cadence; each round starts from the fleet model and
/// its delta is shared. After warm-up, scores use either the model the round started from (the
/// fleet model) or, as the reference does, the locally fitted one.
/// </summary>
internal sealed class SimulatedVehicle
{
    private readonly MinMaxScaler _scaler;
    private readonly SyntheticVehicleData _source;
    private readonly AnomalyScorer _scorer;
    private readonly RoundTrainer _trainer;
    private readonly float[] _sample = new float[4];
    private readonly float[] _base;
    private readonly long[] _baseVersions;

    public SimulatedVehicle(string id, DenseNetwork initial, MinMaxScaler scaler, int partitions, int seed, IFleetLink link, ScoringSource scoring)
    {
        Id = id;
        Scoring = scoring;
        _scaler = scaler;
        Link = link;
        _source = new SyntheticVehicleData(seed);
        _scorer = new AnomalyScorer(ScoringModel.Create(initial, scaler), maxBatch: 1);
        _trainer = new RoundTrainer(initial, scaler, new TrainingCadence(), partitions, seed);
        _base = new float[initial.ParameterCount];
        _baseVersions = new long[partitions];
    }

    public string Id { get; }

    public IFleetLink Link { get; }

    public ScoringSource Scoring { get; }

    public GeneratorMode Mode
    {
        get => _source.Mode;
        set => _source.Mode = value;
    }

    public bool Running { get; set; } = true;

    public ScoreTracker Scores { get; } = new();

    public int Rounds => _trainer.Rounds;

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

        if (_trainer.AwaitingRoundStart)
        {
            if (!Link.Ready)
            {
                return; // a joiner scores with what it has but trains only once it holds the fleet model
            }

            Link.CopyBase(_base, _baseVersions, _trainer.Network.Parameters);
            _trainer.BeginRound(_base, _baseVersions);
            if (Scoring == ScoringSource.Fleet && !_trainer.WarmingUp)
            {
                _scorer.Model = ScoringModel.Create(_trainer.Network, _scaler);
            }
        }

        if (_trainer.Add(_sample) is not { } outcome)
        {
            return;
        }

        Link.Submit(outcome.Delta, outcome.BaseVersions, outcome.Samples, outcome.Round);
        if (Scoring == ScoringSource.Local && outcome.Round > new TrainingCadence().WarmUpRounds)
        {
            _scorer.Model = ScoringModel.Create(outcome.Fitted, _scaler);
        }

        if (LastRoundAt is { } last && now - last > LongestRoundGap)
        {
            LongestRoundGap = now - last;
        }

        LastRoundAt = now;
    }
}
