using System.Security.Cryptography;
using System.Text;

namespace IplsCore.Control;

/// <summary>
/// The bearer token agents show the hub: derived from the fleet token (HKDF), so a token seen on
/// the wire does not reveal the key that signs IPLS messages.
/// </summary>
public static class HubToken
{
    private static readonly byte[] Info = Encoding.UTF8.GetBytes("ipls-agent-hub-v1");

    public static string Derive(string fleetToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(fleetToken);
        byte[] key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(fleetToken), 32, salt: [], info: Info);
        return Convert.ToBase64String(key).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Constant-time check of a presented token.</summary>
    public static bool Matches(string fleetToken, string? presented) =>
        !string.IsNullOrEmpty(fleetToken) && SecretComparer.Matches(Derive(fleetToken), presented);
}
