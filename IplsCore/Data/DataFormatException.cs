namespace IplsCore.Data;

/// <summary>
/// A sensor data file is missing, empty or malformed. The message is one line naming the source,
/// the line number when there is one, and the problem, e.g. <c>data.csv:5: expected 4 fields, found 3</c>.
/// </summary>
public sealed class DataFormatException : Exception
{
    public DataFormatException()
    {
    }

    public DataFormatException(string message)
        : base(message)
    {
    }

    public DataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
