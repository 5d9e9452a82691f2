using System.Globalization;
using System.Numerics.Tensors;

namespace IplsCore.Engine;

/// <summary>
/// Scores raw sensor rows: score = ‖reconstruction − scaled input‖₂ per row. Holds preallocated
/// buffers, so scoring allocates nothing in steady state. One instance per thread; the
/// <see cref="Model"/> may be replaced from any thread and takes effect at the next call.
/// </summary>
public sealed class AnomalyScorer
{
    private readonly int _maxBatch;
    private ScoringModel _model;
    private NetworkShape _workspaceShape;
    private float[][] _activations;
    private float[] _scaled;

    public AnomalyScorer(ScoringModel model, int maxBatch = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _maxBatch = maxBatch;
        _model = model;
        _workspaceShape = model.Shape;
        _activations = ForwardPass.AllocateActivations(model.Shape, maxBatch);
        _scaled = new float[maxBatch * model.Shape.InputSize];
    }

    public ScoringModel Model
    {
        get => Volatile.Read(ref _model);
        set => Volatile.Write(ref _model, value ?? throw new ArgumentNullException(nameof(value)));
    }

    public int Features => Model.Shape.InputSize;

    /// <summary>Scores one row of raw (unscaled) features.</summary>
    public float Score(ReadOnlySpan<float> row)
    {
        Span<float> score = stackalloc float[1];
        Score(row, score);
        return score[0];
    }

    /// <summary>
    /// Scores row-major raw rows into <paramref name="scores"/> (one per row). A non-finite input value
    /// throws <see cref="NonFiniteValueException"/> naming the row before anything is computed.
    /// </summary>
    public void Score(ReadOnlySpan<float> rows, Span<float> scores)
    {
        var model = Model;
        EnsureWorkspace(model.Shape);
        int features = model.Shape.InputSize;
        if (rows.Length % features != 0)
        {
            throw new ArgumentException($"Expected whole rows of {features} features, got {rows.Length} values.", nameof(rows));
        }

        int count = rows.Length / features;
        if (scores.Length < count)
        {
            throw new ArgumentException($"Need room for {count} scores, got {scores.Length}.", nameof(scores));
        }

        int bad = FiniteCheck.IndexOfNonFinite(rows);
        if (bad >= 0)
        {
            int row = bad / features;
            throw new NonFiniteValueException(string.Create(CultureInfo.InvariantCulture, $"input row {row}"), bad % features, rows[bad]);
        }

        for (int start = 0; start < count; start += _maxBatch)
        {
            int batch = Math.Min(_maxBatch, count - start);
            ScoreChunk(model, rows.Slice(start * features, batch * features), batch, scores.Slice(start, batch));
        }
    }

    private void ScoreChunk(ScoringModel model, ReadOnlySpan<float> rows, int batch, Span<float> scores)
    {
        int features = model.Shape.InputSize;
        var scaled = _scaled.AsSpan(0, batch * features);
        model.Scaler.Transform(rows, scaled);
        ForwardPass.Run(model.Shape, model.ForwardLayout, scaled, batch, _activations);
        var output = _activations[^1];
        for (int r = 0; r < batch; r++)
        {
            var x = scaled.Slice(r * features, features);
            var y = output.AsSpan(r * features, features);
            float score = TensorPrimitives.Distance(y, x);

            // Inputs and parameters are checked finite, so this only trips on overflow; never pass NaN on.
            if (!float.IsFinite(score))
            {
                throw new NonFiniteValueException($"score of row {r}", r, score);
            }

            scores[r] = score;
        }
    }

    private void EnsureWorkspace(NetworkShape shape)
    {
        if (!ReferenceEquals(shape, _workspaceShape) && !shape.Equals(_workspaceShape))
        {
            // A model of another shape was swapped in: rare, so reallocating here is fine.
            _activations = ForwardPass.AllocateActivations(shape, _maxBatch);
            _scaled = new float[_maxBatch * shape.InputSize];
            _workspaceShape = shape;
        }
    }
}
