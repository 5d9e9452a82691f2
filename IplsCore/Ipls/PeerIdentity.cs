using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using IplsCore.Persistence;

namespace IplsCore.Ipls;

/// <summary>
/// Who a peer is across restarts: a stable id and an incarnation that grows with every start, so
/// the fleet treats a restarted peer as the same member while its fresh sequence numbers are not
/// mistaken for replays.
/// </summary>
public sealed record PeerIdentity(string Id, long Incarnation)
{
    /// <summary>
    /// Loads the identity stored at <paramref name="path"/> (creating one, with <paramref name="preferredId"/>
    /// or a random id, on first start), bumps the incarnation past both the stored one and the clock
    /// (so even a lost file cannot bring back an old incarnation), and saves it.
    /// </summary>
    public static PeerIdentity LoadOrCreate(string path, string? preferredId, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(time);
        string? id = null;
        long incarnation = 0;
        if (File.Exists(path))
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(path));
                id = document.RootElement.GetProperty("id").GetString();
                incarnation = document.RootElement.GetProperty("incarnation").GetInt64();
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new ModelFormatException($"{Path.GetFileName(path)}: not a valid peer identity file ({ex.Message})", ex);
            }

            if (id is null || !PeerIdRules.IsValid(id))
            {
                throw new ModelFormatException($"{Path.GetFileName(path)}: invalid peer id '{id}'");
            }

            if (preferredId is not null && preferredId != id)
            {
                throw new InvalidOperationException($"{path} belongs to peer '{id}', not '{preferredId}'; use another state directory or remove the file.");
            }
        }

        id ??= preferredId is null ? "peer-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)) : PeerIdRules.Validate(preferredId);
        var identity = new PeerIdentity(id, Math.Max(incarnation + 1, time.GetUtcNow().ToUnixTimeMilliseconds()));
        AtomicFile.Write(path, stream =>
        {
            using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            writer.WriteStartObject();
            writer.WriteString("id", identity.Id);
            writer.WriteNumber("incarnation", identity.Incarnation);
            writer.WriteString("updated", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        });
        return identity;
    }
}
