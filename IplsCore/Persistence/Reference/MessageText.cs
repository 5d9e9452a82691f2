using System.Text;

namespace IplsCore.Persistence.Reference;

/// <summary>
/// Makes text taken from a file or caller safe to put in a one-line error message:
/// control characters could break the line, and a corrupt length could yield a huge string.
/// </summary>
internal static class MessageText
{
    private const int MaxLength = 80;

    /// <summary>The label that starts every error message for a source.</summary>
    public static string Source(string? sourceName) =>
        string.IsNullOrWhiteSpace(sourceName) ? "<stream>" : Clean(sourceName.Trim(), int.MaxValue);

    /// <summary>A file-supplied string in quotes, cleaned and shortened.</summary>
    public static string Quote(string text) => "\"" + Clean(text, MaxLength) + "\"";

    private static string Clean(string text, int maxLength)
    {
        var builder = new StringBuilder(Math.Min(text.Length, maxLength) + 1);
        foreach (char c in text)
        {
            if (builder.Length == maxLength)
            {
                builder.Append('…');
                break;
            }

            builder.Append(char.IsControl(c) ? '?' : c);
        }

        return builder.ToString();
    }
}
