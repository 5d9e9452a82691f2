using System.Numerics.Tensors;
using IplsCore.Engine;
using IplsCore.Scaling;

namespace IplsCore.Training;

/// <summary>
/// A peer's local training, one round at a time, at the <see cref="TrainingCadence"/>. The caller
/// starts each round from the current fleet model (<c>BeginRound</c>), adds raw samples, and
/// gets a <see cref="RoundOutcome"/> when the round is complete. Buffers are reused between rounds;
/// the optimizer keeps its state across rounds, as the reference's network does.
/// </summary>
public sealed class RoundTrainer
{
    private readonly MinMaxScaler _scaler;
    private readonly TrainingCadence _cadence;
    private readonly AutoencoderTrainer _trainer;
    private readonly float[] _buffer;
    private readonly float[] _base;
    private readonly long[] _baseVersions;
    private readonly AnomalyScorer _baseScorer;
    private double _baseScoreSum;
    private int _buffered;
    private bool _begun;

    public RoundTrainer(DenseNetwork initial, MinMaxScaler scaler, TrainingCadence cadence, int partitions, int seed)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(scaler);
        ArgumentNullException.ThrowIfNull(cadence);
        cadence.Validate();
        if (scaler.Features != initial.Shape.InputSize)
        {
            throw new ArgumentException($"The scaler has {scaler.Features} features, the network takes {initial.Shape.InputSize}.", nameof(scaler));
        }

        _scaler = scaler;
        _cadence = cadence;
        _trainer = cadence.NewTrainer(initial, seed);
        int maxSamples = Math.Max(cadence.UpdateFrequency + 1, cadence.WarmUpSamplesPerRound);
        _buffer = new float[maxSamples * initial.Shape.InputSize];
        _base = new float[initial.ParameterCount];
        _baseVersions = new long[partitions];
        _baseScorer = new AnomalyScorer(ScoringModel.Create(initial, scaler), maxBatch: 1);
    }

    /// <summary>Rounds completed so far.</summary>
    public int Rounds { get; private set; }

    /// <summary>True while the warm-up rounds run (the reference publishes no model for scoring then).</summary>
    public bool WarmingUp => Rounds < _cadence.WarmUpRounds;

    /// <summary>True when the next sample starts a round: call <c>BeginRound</c> first.</summary>
    public bool AwaitingRoundStart => !_begun;

    /// <summary>The local model: the fitted network after the last round (the base during one).</summary>
    public DenseNetwork Network => _trainer.Network;

    /// <summary>Starts a round from <paramref name="baseModel"/> (normally the fleet model) at the given partition versions.</summary>
    public void BeginRound(ReadOnlySpan<float> baseModel, ReadOnlySpan<long> baseVersions) => BeginRound(baseModel, baseModel, baseVersions);

    /// <summary>
    /// Starts a round that fits from <paramref name="start"/> while its delta is taken against
    /// <paramref name="baseModel"/> (the fleet model at <paramref name="baseVersions"/>): a vehicle whose
    /// personal model is learning new data shares everything it learnt, not only this round's fit.
    /// </summary>
    public void BeginRound(ReadOnlySpan<float> start, ReadOnlySpan<float> baseModel, ReadOnlySpan<long> baseVersions)
    {
        if (baseVersions.Length != _baseVersions.Length)
        {
            throw new ArgumentException($"Expected {_baseVersions.Length} partition versions.", nameof(baseVersions));
        }

        _trainer.Network.SetParameters(baseModel); // validates length and finiteness first
        baseModel.CopyTo(_base);
        baseVersions.CopyTo(_baseVersions);
        _baseScorer.Model = ScoringModel.Create(_trainer.Network.Shape, baseModel, _scaler);
        if (start != baseModel)
        {
            _trainer.Network.SetParameters(start);
        }

        _baseScoreSum = 0;
        _buffered = 0;
        _begun = true;
    }

    /// <summary>
    /// Adds one raw sample to the current round; returns the outcome when the round is full, else
    /// null. A non-finite sample throws <see cref="NonFiniteValueException"/> and is not added.
    /// </summary>
    public RoundOutcome? Add(ReadOnlySpan<float> rawSample)
    {
        if (!_begun)
        {
            throw new InvalidOperationException("Call BeginRound before adding the first sample of a round.");
        }

        int features = _scaler.Features;
        if (rawSample.Length != features)
        {
            throw new ArgumentException($"Expected {features} features, got {rawSample.Length}.", nameof(rawSample));
        }

        FiniteCheck.ThrowIfNonFinite(rawSample, "sample");
        _scaler.Transform(rawSample, _buffer.AsSpan(_buffered * features, features));
        _baseScoreSum += _baseScorer.Score(rawSample);
        _buffered++;
        int round = Rounds + 1;
        if (_buffered < _cadence.SamplesInRound(round))
        {
            return null;
        }

        var result = _trainer.Fit(_buffer.AsSpan(0, _buffered * features));
        var delta = new float[_base.Length];
        TensorPrimitives.Subtract(_base, _trainer.Network.Parameters, delta);
        Rounds = round;
        _begun = false;
        return new RoundOutcome(round, _buffered, result.LastEpochLoss, delta, _baseVersions.ToArray(), _trainer.Network.Clone(), _baseScoreSum / _buffered);
    }
}
