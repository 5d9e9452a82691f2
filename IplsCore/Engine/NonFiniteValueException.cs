using System.Globalization;

namespace IplsCore.Engine;

/// <summary>A NaN or infinite value was found in data, parameters or results; nothing was changed.</summary>
public sealed class NonFiniteValueException : Exception
{
    public NonFiniteValueException()
    {
    }

    public NonFiniteValueException(string message)
        : base(message)
    {
    }

    public NonFiniteValueException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public NonFiniteValueException(string what, int index, float value)
        : base(string.Create(CultureInfo.InvariantCulture, $"{what} contains a non-finite value ({value}) at index {index}."))
    {
        What = what;
        Index = index;
    }

    /// <summary>What was being checked, e.g. "input row 12" or "model parameters".</summary>
    public string? What { get; }

    /// <summary>Index of the first offending value within what was checked, or -1 when unknown.</summary>
    public int Index { get; } = -1;
}
