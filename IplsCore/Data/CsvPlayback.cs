namespace IplsCore.Data;

/// <summary>
/// Plays recorded rows like the reference data generator: each cycle visits every row once in a
/// shuffled order, and a new shuffle starts each cycle, forever. The order depends only on the seed.
/// </summary>
/// <remarks><see cref="Next"/> must be called from one thread at a time.</remarks>
public sealed class CsvPlayback : ISampleSource
{
    private readonly float[] _rows;
    private readonly int[] _order;
    private readonly Random _random;
    private int _position;

    /// <param name="rows">Flat row-major data, rows × <paramref name="features"/>; copied.</param>
    /// <param name="features">Features per row.</param>
    /// <param name="seed">Seed of the shuffles.</param>
    /// <exception cref="ArgumentException">The data is empty or not a whole number of rows.</exception>
    public CsvPlayback(float[] rows, int features, int seed)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        if (rows.Length == 0)
        {
            throw new ArgumentException("There are no rows to play.", nameof(rows));
        }

        if (rows.Length % features != 0)
        {
            throw new ArgumentException(
                $"Data length {rows.Length} is not a multiple of {features} features.", nameof(rows));
        }

        Features = features;
        _rows = (float[])rows.Clone();
        _order = new int[rows.Length / features];
        for (var i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }

        _random = new Random(seed);
        Shuffle();
    }

    /// <inheritdoc/>
    public int Features { get; }

    /// <summary>Number of rows in one cycle.</summary>
    public int RowCount => _order.Length;

    /// <inheritdoc/>
    public void Next(Span<float> destination)
    {
        if (destination.Length != Features)
        {
            throw new ArgumentException(
                $"Destination must hold {Features} features, not {destination.Length}.", nameof(destination));
        }

        if (_position == _order.Length)
        {
            Shuffle();
        }

        var row = _order[_position++];
        _rows.AsSpan(row * Features, Features).CopyTo(destination);
    }

    private void Shuffle()
    {
        // Fisher–Yates written out, so the order does not depend on Random.Shuffle's implementation.
        for (var i = _order.Length - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (_order[i], _order[j]) = (_order[j], _order[i]);
        }

        _position = 0;
    }
}
