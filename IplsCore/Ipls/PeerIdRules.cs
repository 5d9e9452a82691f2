namespace IplsCore.Ipls;

/// <summary>What a peer id may look like: 1–64 characters of [A-Za-z0-9._-], so it is safe in topics, file names and logs.</summary>
public static class PeerIdRules
{
    public const int MaxLength = 64;

    public static bool IsValid(ReadOnlySpan<char> id)
    {
        if (id.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (char c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    public static string Validate(string id) =>
        IsValid(id) ? id : throw new ArgumentException($"Peer id '{id}' must be 1–{MaxLength} characters of letters, digits, '.', '_' or '-'.", nameof(id));
}
