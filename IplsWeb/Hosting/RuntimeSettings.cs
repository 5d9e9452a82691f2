using System.Text.Json;
using IplsCore.Engine;
using IplsCore.Persistence;

namespace IplsWeb.Hosting;

/// <summary>
/// Settings changed from the Settings page at run time (threshold, history retention), kept in
/// <c>{DataDirectory}/settings.json</c> so they survive a restart of the dashboard.
/// </summary>
public sealed class RuntimeSettings
{
    private readonly string _path;
    private readonly Lock _gate = new();
    private double _threshold = AnomalyThreshold.Default;
    private int _retentionHours = 24;

    public RuntimeSettings(DashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _path = Path.Combine(options.DataDirectory, "settings.json");
        if (File.Exists(_path))
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(_path));
                _threshold = document.RootElement.GetProperty("threshold").GetDouble();
                _retentionHours = document.RootElement.GetProperty("retentionHours").GetInt32();
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                LoadError = $"{_path}: {ex.Message}; defaults used";
            }
        }
    }

    public event Action? Changed;

    /// <summary>Why the stored settings could not be read, if they could not.</summary>
    public string? LoadError { get; }

    public double Threshold
    {
        get
        {
            lock (_gate)
            {
                return _threshold;
            }
        }
    }

    public int RetentionHours
    {
        get
        {
            lock (_gate)
            {
                return _retentionHours;
            }
        }
    }

    /// <summary>Validates and stores; returns the reason when a value is out of range (nothing changes then).</summary>
    public string? Update(double threshold, int retentionHours)
    {
        if (!double.IsFinite(threshold) || threshold is < 0 or > 100)
        {
            return "threshold must be between 0 and 100";
        }

        if (retentionHours is < 1 or > 24 * 365)
        {
            return "retention must be between 1 hour and 365 days";
        }

        lock (_gate)
        {
            _threshold = threshold;
            _retentionHours = retentionHours;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
            AtomicFile.Write(_path, s =>
            {
                using var writer = new Utf8JsonWriter(s, new JsonWriterOptions { Indented = true });
                writer.WriteStartObject();
                writer.WriteNumber("threshold", threshold);
                writer.WriteNumber("retentionHours", retentionHours);
                writer.WriteEndObject();
            });
        }

        Changed?.Invoke();
        return null;
    }
}
