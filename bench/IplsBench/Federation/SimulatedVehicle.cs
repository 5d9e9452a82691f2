using IplsCore.Data;
using IplsCore.Engine;
using IplsCore.Scaling;

namespace IplsBench.Federation;

/// <summary>
/// One vehicle as the reference runs it: a sample every 250 ms is scored and buffered; every
/// updateFrequency + 1 samples (2 during warm-up) the model is reset to the fleet model, fitted for
/// 3 epochs, and the delta (start − fitted) is shared. After warm-up, scores use either the model the
/// round started from (the fleet model) or, as the reference does, the locally fitted one.
/// </summary>
internal sealed class SimulatedVehicle
{
    private readonly MinMaxScaler _scaler;
    private readonly SyntheticVehicleData _source;
    private readonly AnomalyScorer _scorer;
    private readonly AutoencoderTrainer _trainer;
    private readonly float[] _sample = new float[4];
    private readonly float[] _scaled = new float[4];
    private readonly float[] _buffer = new float[(ReferenceCadence.UpdateFrequency + 1) * 4];
    private readonly float[] _base;
    private readonly long[] _baseVersions;
    private readonly float[] _delta;
    private int _buffered;

    public SimulatedVehicle(string id, DenseNetwork initial, MinMaxScaler scaler, int partitions, int seed, IFleetLink link, ScoringSource scoring)
    {
        Id = id;
        Scoring = scoring;
        _scaler = scaler;
        Link = link;
        _source = new SyntheticVehicleData(seed);
        _scorer = new AnomalyScorer(ScoringModel.Create(initial, scaler), maxBatch: 1);
        _trainer = new AutoencoderTrainer(initial.Clone(), new TrainingOptions
        {
            BatchSize = ReferenceCadence.BatchSize,
            Epochs = ReferenceCadence.Epochs,
            Shuffle = false,
            Seed = seed,
            Adam = new AdamOptions { LearningRate = ReferenceCadence.LearningRate },
        });
        _base = new float[initial.ParameterCount];
        _baseVersions = new long[partitions];
        _delta = new float[initial.ParameterCount];
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

    public int Rounds { get; private set; }

    public DateTimeOffset? LastRoundAt { get; private set; }

    public TimeSpan LongestRoundGap { get; private set; }

    /// <summary>Largest smoothed score seen between two times (for the join scenario).</summary>
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

        if (_buffered == 0 && !Link.Ready)
        {
            return; // a joiner scores with what it has but trains only once it holds the fleet model
        }

        if (_buffered == 0)
        {
            Link.CopyBase(_base, _baseVersions, _trainer.Network.Parameters);
            _trainer.Network.SetParameters(_base);
            if (Scoring == ScoringSource.Fleet && Rounds >= ReferenceCadence.WarmUpRounds)
            {
                _scorer.Model = ScoringModel.Create(_trainer.Network, _scaler);
            }
        }

        _scaler.Transform(_sample, _scaled);
        _scaled.CopyTo(_buffer.AsSpan(_buffered * 4));
        _buffered++;
        int roundSize = Rounds < ReferenceCadence.WarmUpRounds ? ReferenceCadence.WarmUpSamplesPerRound : ReferenceCadence.UpdateFrequency + 1;
        if (_buffered < roundSize)
        {
            return;
        }

        _trainer.Fit(_buffer.AsSpan(0, _buffered * 4));
        System.Numerics.Tensors.TensorPrimitives.Subtract(_base, _trainer.Network.Parameters, _delta);
        Rounds++;
        Link.Submit(_delta, _baseVersions, _buffered, Rounds);
        _buffered = 0;
        if (Scoring == ScoringSource.Local && Rounds > ReferenceCadence.WarmUpRounds)
        {
            _scorer.Model = ScoringModel.Create(_trainer.Network, _scaler);
        }

        if (LastRoundAt is { } last && now - last > LongestRoundGap)
        {
            LongestRoundGap = now - last;
        }

        LastRoundAt = now;
    }
}
