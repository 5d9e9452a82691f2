using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using IplsCore.Data;
using IplsCore.Engine;
using IplsCore.Ipls.Node;
using IplsCore.Persistence;
using IplsCore.Scaling;
using Microsoft.Extensions.Logging;

namespace IplsAgent.Runtime;

/// <summary>
/// The agent's state directory: <c>identity.json</c> (peer id and incarnation), <c>checkpoint.iplsm</c>
/// (the fleet model with its scaler, readable by <c>ipls-agent score</c>) and <c>checkpoint.json</c>
/// (partition versions, rounds, threshold, generator mode, run state, and the SHA-256 of the
/// snapshot it belongs to), and with <c>scoreWith: personal</c> <c>personal.iplsm</c> (the vehicle's
/// personal model, never shared; any saved personal model is usable on its own, so it is not paired
/// with the others). Each file is written atomically; a torn pair is detected and ignored.
/// </summary>
internal sealed partial class CheckpointStore(string directory, ILogger logger)
{
    public string Directory { get; } = directory;

    public string IdentityPath => Path.Combine(Directory, "identity.json");

    public string ModelPath => Path.Combine(Directory, "checkpoint.iplsm");

    public string StatePath => Path.Combine(Directory, "checkpoint.json");

    public string PersonalPath => Path.Combine(Directory, "personal.iplsm");

    /// <summary>
    /// Creates the directory and proves it writable before anything is loaded, so that a state
    /// directory the agent may not write (typically a root-owned host directory bind-mounted into the
    /// container, which runs as uid 1654) stops the start with what to do instead of a bare
    /// "access denied" on some file.
    /// </summary>
    public void EnsureWritable()
    {
        string probe = Path.Combine(Directory, $".write-probe-{Environment.ProcessId}");
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new IOException(
                $"state directory '{Path.GetFullPath(Directory)}' is not writable by this process{UserDescription()}: {ex.Message} " +
                "A host directory bind-mounted there must belong to the agent's user (for the container image: " +
                "sudo chown -R 1654:1654 <host directory>), or use a named volume as the compose files do.",
                ex);
        }
    }

    // " (uid N)" on Linux, where a container's user is a number; nothing elsewhere.
    private static string UserDescription()
    {
        try
        {
            string? line = File.Exists("/proc/self/status")
                ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))
                : null;
            string[]? fields = line?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: > 2 } ? $" (uid {fields[2]})" : "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    public void Save(AgentCheckpoint checkpoint, NetworkShape shape, MinMaxScaler scaler)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var network = new DenseNetwork(shape);
        network.SetParameters(checkpoint.Parameters);
        byte[] model = ModelFile.Serialize(network, scaler);
        byte[] snapshot = ModelSnapshot.Encode(checkpoint.Parameters, checkpoint.Versions);
        AtomicFile.Write(ModelPath, stream => stream.Write(model));
        if (checkpoint.PersonalParameters is { } personal)
        {
            network.SetParameters(personal);
            byte[] personalModel = ModelFile.Serialize(network, scaler);
            AtomicFile.Write(PersonalPath, stream => stream.Write(personalModel));
        }
        else
        {
            File.Delete(PersonalPath); // a stale one must not come back after scoreWith changes twice
        }

        AtomicFile.Write(StatePath, stream =>
        {
            using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            writer.WriteStartObject();
            writer.WriteNumber("format", 1);
            writer.WriteString("snapshotSha256", Convert.ToHexStringLower(SHA256.HashData(snapshot)));
            writer.WriteStartArray("versions");
            foreach (long v in checkpoint.Versions)
            {
                writer.WriteNumberValue(v);
            }

            writer.WriteEndArray();
            writer.WriteNumber("rounds", checkpoint.Rounds);
            if (checkpoint.Threshold is { } threshold)
            {
                writer.WriteNumber("threshold", threshold);
            }

            if (checkpoint.GeneratorMode is { } mode)
            {
                writer.WriteString("generatorMode", GeneratorModeParser.ToWireName(mode));
            }

            writer.WriteBoolean("stopped", checkpoint.Stopped);
            writer.WriteString("savedAt", checkpoint.SavedAt.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        });
    }

    /// <summary>The last checkpoint, or null when there is none or it does not fit this model (logged).</summary>
    public AgentCheckpoint? TryLoad(NetworkShape shape, int partitions)
    {
        if (!File.Exists(ModelPath) || !File.Exists(StatePath))
        {
            return null;
        }

        try
        {
            var stored = ModelFile.ReadFile(ModelPath);
            if (!stored.Network.Shape.Equals(shape))
            {
                LogUnusable(ModelPath, $"layer sizes {stored.Network.Shape} differ from the configured {shape}");
                return null;
            }

            float[] parameters = stored.Network.Parameters.ToArray();
            using var document = JsonDocument.Parse(File.ReadAllBytes(StatePath));
            var root = document.RootElement;
            long[] versions = [.. root.GetProperty("versions").EnumerateArray().Select(e => e.GetInt64())];
            if (versions.Length != partitions)
            {
                LogUnusable(StatePath, $"{versions.Length} partition versions, the fleet uses {partitions}; starting from version 0");
                versions = new long[partitions];
            }
            else
            {
                string expected = Convert.ToHexStringLower(SHA256.HashData(ModelSnapshot.Encode(parameters, versions)));
                if (root.GetProperty("snapshotSha256").GetString() != expected)
                {
                    // The model and the versions were written by different saves (a crash in between).
                    LogUnusable(StatePath, "versions belong to another model file; keeping the model at version 0");
                    versions = new long[partitions];
                }
            }

            float[]? personal = TryLoadPersonal(shape);
            GeneratorMode? mode = root.TryGetProperty("generatorMode", out var m) && GeneratorModeParser.TryParse(m.GetString(), out var parsed) ? parsed : null;
            double? threshold = root.TryGetProperty("threshold", out var t) ? t.GetDouble() : null;
            return new AgentCheckpoint(
                parameters,
                versions,
                root.TryGetProperty("rounds", out var r) ? r.GetInt32() : 0,
                threshold,
                mode,
                root.TryGetProperty("stopped", out var s) && s.GetBoolean(),
                root.TryGetProperty("savedAt", out var at) ? at.GetDateTimeOffset() : DateTimeOffset.MinValue,
                personal);
        }
        catch (Exception ex) when (ex is ModelFormatException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IOException or NonFiniteValueException)
        {
            LogUnusable(Directory, ex.Message);
            return null;
        }
    }

    /// <summary>The saved personal model, or null when there is none or it is unusable (logged: the personal model then starts from the fleet model).</summary>
    private float[]? TryLoadPersonal(NetworkShape shape)
    {
        if (!File.Exists(PersonalPath))
        {
            return null;
        }

        try
        {
            var stored = ModelFile.ReadFile(PersonalPath);
            if (!stored.Network.Shape.Equals(shape))
            {
                LogUnusable(PersonalPath, $"layer sizes {stored.Network.Shape} differ from the configured {shape}; the personal model starts from the fleet model");
                return null;
            }

            return stored.Network.Parameters.ToArray();
        }
        catch (Exception ex) when (ex is ModelFormatException or IOException or NonFiniteValueException)
        {
            LogUnusable(PersonalPath, $"{ex.Message}; the personal model starts from the fleet model");
            return null;
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Checkpoint {Path} not used: {Reason}")]
    private partial void LogUnusable(string path, string reason);
}
