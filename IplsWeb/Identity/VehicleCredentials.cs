using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using IplsCore.Control;

namespace IplsWeb.Identity;

/// <summary>
/// Each vehicle's broker credential: user name <c>vehicle-{n}</c>, password HMAC-SHA256(key, vehicle, generation).
/// The dashboard keeps only the key, never a list of device secrets; a device holds only its own
/// password, which says nothing about another vehicle's. Checking is one HMAC (cheap and constant-time),
/// so guessing costs the attacker, not the broker.
/// </summary>
public sealed class VehicleCredentials
{
    public const string UserPrefix = "vehicle-";

    private readonly byte[] _key;
    private readonly IReadOnlyDictionary<string, int> _generations;

    public VehicleCredentials(string key, IReadOnlyDictionary<string, int> generations)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _key = Encoding.UTF8.GetBytes(key);
        _generations = generations;
    }

    public static string UserName(int vehicle) => UserPrefix + vehicle.ToString(CultureInfo.InvariantCulture);

    /// <summary>The vehicle a user name names, if it is a vehicle's (<c>vehicle-3</c>).</summary>
    public static bool TryVehicle(string? userName, out int vehicle)
    {
        vehicle = 0;
        return userName is not null && userName.StartsWith(UserPrefix, StringComparison.Ordinal) && VehicleNumber.TryParse(userName.AsSpan(UserPrefix.Length), out vehicle);
    }

    public int Generation(int vehicle) => _generations.TryGetValue(vehicle.ToString(CultureInfo.InvariantCulture), out int g) ? g : 0;

    public string Password(int vehicle)
    {
        byte[] message = Encoding.UTF8.GetBytes($"ipls vehicle credential v1/{vehicle.ToString(CultureInfo.InvariantCulture)}/{Generation(vehicle).ToString(CultureInfo.InvariantCulture)}");
        byte[] mac = HMACSHA256.HashData(_key, message);
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public bool Matches(int vehicle, string? password) => SecretComparer.Matches(Password(vehicle), password);
}
