namespace IplsCore.Persistence;

/// <summary>
/// A model, scaler or data file is missing parts, truncated, or not in the format we expected.
/// The message names the file (when known) and the problem in one line, fit to show a user.
/// </summary>
public sealed class ModelFormatException : Exception
{
    public ModelFormatException()
    {
    }

    public ModelFormatException(string message)
        : base(message)
    {
    }

    public ModelFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
