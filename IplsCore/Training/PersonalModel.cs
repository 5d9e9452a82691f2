using IplsCore.Engine;
using IplsCore.Scaling;

namespace IplsCore.Training;

/// <summary>
/// A vehicle's personal model, never shared: the last fleet model that explained this vehicle's data,
/// fine-tuned on the vehicle's own samples while the fleet model does not. At the end of every
/// personal round (UpdateFrequency + 1 samples) one rule applies, on that round's samples:
/// <list type="number">
/// <item>the fleet model scores them better (lower mean) → the personal model becomes a copy of it;</item>
/// <item>else, the personal model's median score is above <see cref="LearningOptions.PersonalTrainAbove"/> → it is fitted on them (epochs and Adam of the cadence), starting from itself (the median, so one rare sample does not start a fit);</item>
/// <item>else it stays as it is.</item>
/// </list>
/// A vehicle meeting new data thus adapts as fast as an isolated one (its own rounds, never pulled
/// back to a fleet model that does not know the data yet), and a vehicle whose data stays normal
/// keeps the last fleet model that fitted it while the fleet model moves towards another vehicle's
/// data (Ditto/FedRep/APFL keep a local part for the same reason; here it is a whole model, chosen
/// per round by its score, so nothing changes on the wire).
/// </summary>
public sealed class PersonalModel
{
    private readonly MinMaxScaler _scaler;
    private readonly TrainingCadence _cadence;
    private readonly LearningOptions _options;
    private readonly AutoencoderTrainer _trainer;
    private readonly AnomalyScorer _fleetScorer;
    private readonly AnomalyScorer _personalScorer;
    private readonly float[] _buffer;
    private readonly float[] _personalScores;
    private int _buffered;
    private double _fleetSum;
    private double _personalSum;

    public PersonalModel(DenseNetwork initial, MinMaxScaler scaler, TrainingCadence cadence, LearningOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(scaler);
        ArgumentNullException.ThrowIfNull(cadence);
        ArgumentNullException.ThrowIfNull(options);
        cadence.Validate();
        options.Validate();
        _scaler = scaler;
        _cadence = cadence;
        _options = options;
        _trainer = cadence.NewTrainer(initial, seed);
        _fleetScorer = new AnomalyScorer(ScoringModel.Create(initial, scaler), maxBatch: 1);
        _personalScorer = new AnomalyScorer(ScoringModel.Create(initial, scaler), maxBatch: 1);
        _buffer = new float[RoundSize * initial.Shape.InputSize];
        _personalScores = new float[RoundSize];
    }

    /// <summary>Personal rounds completed so far.</summary>
    public int Rounds { get; private set; }

    /// <summary>Rounds that ended by copying the fleet model.</summary>
    public int Adopted { get; private set; }

    /// <summary>Rounds that ended by fitting the personal model.</summary>
    public int Trained { get; private set; }

    /// <summary>What the last personal round ended with (<see cref="PersonalStep.Keep"/> before the first).</summary>
    public PersonalStep LastStep { get; private set; }

    /// <summary>The personal model as it is now.</summary>
    public DenseNetwork Network => _trainer.Network;

    private int RoundSize => _cadence.UpdateFrequency + 1;

    /// <summary>
    /// Adds one raw sample, scored under <paramref name="fleet"/> (the model the vehicle's fleet score
    /// comes from) and the personal model; at the end of a round applies the rule and returns the new
    /// personal model when it changed, else null. A non-finite sample throws and is not added.
    /// </summary>
    public ScoringModel? Add(ReadOnlySpan<float> rawSample, ScoringModel fleet)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        int features = _scaler.Features;
        if (rawSample.Length != features)
        {
            throw new ArgumentException($"Expected {features} features, got {rawSample.Length}.", nameof(rawSample));
        }

        FiniteCheck.ThrowIfNonFinite(rawSample, "sample");
        if (!ReferenceEquals(_fleetScorer.Model, fleet))
        {
            _fleetScorer.Model = fleet;
        }

        _fleetSum += _fleetScorer.Score(rawSample);
        float personal = _personalScorer.Score(rawSample);
        _personalSum += personal;
        _personalScores[_buffered] = personal;
        _scaler.Transform(rawSample, _buffer.AsSpan(_buffered * features, features));
        if (++_buffered < RoundSize)
        {
            return null;
        }

        Array.Sort(_personalScores, 0, _buffered);
        var step = Decide(_fleetSum / _buffered, _personalSum / _buffered, _personalScores[_buffered / 2], _options);
        Rounds++;
        LastStep = step;
        if (step == PersonalStep.AdoptFleet)
        {
            _trainer.Network.SetParameters(fleet.Parameters);
            Adopted++;
        }
        else if (step == PersonalStep.Train)
        {
            _trainer.Fit(_buffer.AsSpan(0, _buffered * features));
            Trained++;
        }

        _buffered = 0;
        _fleetSum = 0;
        _personalSum = 0;
        if (step == PersonalStep.Keep)
        {
            return null;
        }

        var model = ScoringModel.Create(_trainer.Network, _scaler);
        _personalScorer.Model = model;
        return model;
    }

    /// <summary>The rule applied at the end of a personal round, from the round's mean scores and the personal model's median.</summary>
    public static PersonalStep Decide(double fleetMeanScore, double personalMeanScore, double personalMedianScore, LearningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (fleetMeanScore < personalMeanScore)
        {
            return PersonalStep.AdoptFleet;
        }

        return personalMedianScore > options.PersonalTrainAbove ? PersonalStep.Train : PersonalStep.Keep;
    }
}

/// <summary>What a personal round ended with (<see cref="PersonalModel.Decide"/>).</summary>
public enum PersonalStep
{
    Keep,
    AdoptFleet,
    Train,
}
