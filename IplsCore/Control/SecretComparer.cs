using System.Security.Cryptography;
using System.Text;

namespace IplsCore.Control;

/// <summary>Compares a presented secret (token, password) with the expected one in constant time.</summary>
public static class SecretComparer
{
    /// <summary>False when either is empty: an unset secret never matches.</summary>
    public static bool Matches(string? expected, string? presented) =>
        !string.IsNullOrEmpty(expected) && !string.IsNullOrEmpty(presented)
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));
}
