using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using IplsCore.Configuration;
using IplsCore.Control;
using IplsCore.Data;
using IplsCore.Persistence;
using IplsAgent.Control;
using IplsAgent.Logging;
using Microsoft.Extensions.Logging;

namespace IplsAgent.Runtime;

/// <summary>
/// An agent as a whole: the current <see cref="AgentRuntime"/>, the link to the dashboard, and the
/// typed commands (<see cref="IAgentClient"/>), run one at a time. A config is validated completely
/// (settings, model file) before the running agent is touched; a refused one changes nothing.
/// An applied config is kept in the state directory and used again after a restart, unless the
/// operator's config file has changed since.
/// </summary>
public sealed partial class AgentSupervisor : IAgentClient, IAsyncDisposable
{
    private const string AppliedConfigFile = "applied-config.json";
    private const string AppliedBaseFile = "applied-config.base";

    private readonly AgentConfigSource _source;
    private readonly AgentRuntimeOptions _options;
    private readonly ControlClientOptions _controlOptions;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _commandGate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _baseHash;
    private AgentConfig _config;
    private AgentRuntime? _runtime;
    private ControlClient? _control;
    private Task _controlRestart = Task.CompletedTask;

    private AgentSupervisor(AgentConfigSource source, AgentConfig config, string baseHash, AgentRuntimeOptions options, ControlClientOptions controlOptions)
    {
        _source = source;
        _config = config;
        _baseHash = baseHash;
        _controlOptions = controlOptions;
        string name = config.Settings.AgentId ?? "vehicle-" + config.Settings.Vehicle.ToString(CultureInfo.InvariantCulture);
        _options = options with { Loggers = new CapturingLoggerFactory(options.Loggers, Logs, options.Time, name) };
        _logger = _options.Loggers.CreateLogger("IplsAgent.Supervisor");
    }

    /// <summary>This agent's recent log lines (what the dashboard shows).</summary>
    public RecentLogs Logs { get; } = new();

    public AgentSettings Settings => _config.Settings;

    internal AgentRuntime Runtime => _runtime ?? throw new InvalidOperationException("Not started.");

    /// <summary>
    /// Starts an agent from a valid config. A config applied earlier from the dashboard replaces it
    /// when it was applied on top of this very config file. Model and state problems throw.
    /// </summary>
    public static async Task<AgentSupervisor> StartAsync(
        AgentConfigSource source,
        AgentConfigLoad config,
        AgentRuntimeOptions options,
        ControlClientOptions? controlOptions = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        if (!config.IsValid)
        {
            throw new ArgumentException("The configuration is not valid: " + string.Join("; ", config.Errors), nameof(config));
        }

        var effective = config.Valid;
        string applied = Path.Combine(config.Settings.StateDirectory, AppliedConfigFile);
        string appliedBase = Path.Combine(config.Settings.StateDirectory, AppliedBaseFile);
        bool useApplied = File.Exists(applied) && File.Exists(appliedBase)
            && (await File.ReadAllTextAsync(appliedBase, cancellationToken).ConfigureAwait(false)).Trim() == config.Hash;
        if (useApplied)
        {
            var load = source.Load(await File.ReadAllBytesAsync(applied, cancellationToken).ConfigureAwait(false), applied);
            useApplied = load.IsValid;
            if (useApplied)
            {
                effective = load.Valid;
            }
        }

        var supervisor = new AgentSupervisor(source, effective, config.Hash, options, controlOptions ?? new ControlClientOptions());
        if (useApplied)
        {
            supervisor.LogUsingApplied(applied);
        }

        supervisor._runtime = AgentRuntime.Create(effective.Settings, supervisor._options);
        supervisor._runtime.Start();
        supervisor.StartControl();
        return supervisor;
    }

    public async Task<CommandResult> StartAgent() => await RunCommandAsync("start", async ct =>
        CommandResult.Ok(await Runtime.SetConsumingAsync(true, ct).ConfigureAwait(false))).ConfigureAwait(false);

    public async Task<CommandResult> StopAgent() => await RunCommandAsync("stop", async ct =>
        CommandResult.Ok(await Runtime.SetConsumingAsync(false, ct).ConfigureAwait(false))).ConfigureAwait(false);

    public async Task<CommandResult> RestartAgent() => await RunCommandAsync("restart", async ct =>
    {
        await ReplaceRuntimeAsync(_config, ct).ConfigureAwait(false);
        return CommandResult.Ok($"restarted as incarnation {Runtime.Identity.Incarnation}");
    }).ConfigureAwait(false);

    public async Task<CommandResult> ApplyConfig(string configJson) => await RunCommandAsync("apply-config", async ct =>
    {
        ArgumentNullException.ThrowIfNull(configJson);
        var load = _source.Load(System.Text.Encoding.UTF8.GetBytes(configJson), "config", InheritedSecrets(Settings));
        if (!load.IsValid)
        {
            return CommandResult.Refused("config rejected; nothing changed", load.Errors);
        }

        if (load.Settings.Vehicle != Settings.Vehicle)
        {
            // Not an error: the vehicle number is part of the topics. Say it, so nobody is surprised.
            LogVehicleChanged(Settings.Vehicle, load.Settings.Vehicle);
        }

        try
        {
            await ReplaceRuntimeAsync(load.Valid, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStartFailure(ex))
        {
            return CommandResult.Refused($"config rejected: {ex.Message}; nothing changed", [new ConfigIssue("modelPath", load.Settings.ModelPath, ex.Message)]);
        }

        bool controlChanged = load.Settings.DashboardUrl != _config.Settings.DashboardUrl || load.Settings.FleetToken != _config.Settings.FleetToken;
        _config = load.Valid;
        Persist(_config);
        if (controlChanged)
        {
            _controlRestart = RestartControlAfterAnswerAsync();
        }
        else if (_control is { } control)
        {
            // Registered again after the answer (not from inside the command handler, which the
            // connection is still running): the dashboard's table and editor follow the new config.
            _ = Task.Run(control.RegisterAgainAsync, CancellationToken.None);
        }

        string warnings = load.Warnings.Count == 0 ? string.Empty : " (warnings: " + string.Join("; ", load.Warnings) + ")";
        return new CommandResult(true, $"config {load.Hash} applied; restarted as incarnation {Runtime.Identity.Incarnation}{warnings}", load.Warnings);
    }).ConfigureAwait(false);

    /// <summary>Secrets a pushed config may leave out: the agent keeps its own (the dashboard need not hold them).</summary>
    public static IReadOnlyDictionary<string, string?> InheritedSecrets(AgentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new Dictionary<string, string?>
        {
            ["fleetToken"] = settings.FleetToken.Length > 0 ? settings.FleetToken : null,
            ["mqttUsername"] = settings.Mqtt.Username,
            ["mqttPassword"] = settings.Mqtt.Password,
        };
    }

    public async Task<CommandResult> SetGeneratorMode(string mode) => await RunCommandAsync("set-generator-mode", async ct =>
    {
        if (!GeneratorModeParser.TryParse(mode, out var parsed))
        {
            return CommandResult.Refused($"mode \"{mode}\": must be \"normal\" or \"anomaly\"");
        }

        return await Runtime.SetGeneratorModeAsync(parsed, ct).ConfigureAwait(false)
            ? CommandResult.Ok("generator mode " + GeneratorModeParser.ToWireName(parsed))
            : CommandResult.Refused("this agent has no generator (generator:enabled is false)");
    }).ConfigureAwait(false);

    public async Task<CommandResult> SetThreshold(double threshold) => await RunCommandAsync("set-threshold", async ct =>
    {
        if (!double.IsFinite(threshold) || threshold is < 0 or > 100)
        {
            return CommandResult.Refused($"threshold {threshold.ToString(CultureInfo.InvariantCulture)}: must be between 0 and 100");
        }

        await Runtime.SetThresholdAsync(threshold, ct).ConfigureAwait(false);
        return CommandResult.Ok("threshold " + threshold.ToString(CultureInfo.InvariantCulture));
    }).ConfigureAwait(false);

    /// <summary>Graceful stop: final checkpoint, leave the fleet, close the dashboard link.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _commandGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            try
            {
                if (_control is not null)
                {
                    await _control.DisposeAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                // Whatever the dashboard link did, the agent leaves the fleet and writes its checkpoint.
                _control = null;
                if (_runtime is not null)
                {
                    await _runtime.StopAsync(leave: true, cancellationToken).ConfigureAwait(false);
                    await _runtime.DisposeAsync().ConfigureAwait(false);
                    _runtime = null;
                }
            }
        }
        finally
        {
            _commandGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _controlRestart.ConfigureAwait(false);
        _commandGate.Dispose();
        _stopping.Dispose();
    }

    internal AgentRegistration Registration()
    {
        var runtime = Runtime;
        return new AgentRegistration(
            runtime.Identity.Id,
            Settings.Vehicle,
            Settings.Role,
            typeof(AgentSupervisor).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0",
            RuntimeInformation.OSDescription,
            RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
            _config.Hash,
            ConfigSecrets.Redact(_config.Json)) // secrets never leave the agent
        {
            Topics = Settings.Topics,
        };
    }

    private static bool IsStartFailure(Exception ex) =>
        ex is ModelFormatException or IOException or ConfigurationException or InvalidOperationException or ArgumentException or UnauthorizedAccessException or DataFormatException;

    private async Task<CommandResult> RunCommandAsync(string name, Func<CancellationToken, Task<CommandResult>> command)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _commandGate.WaitAsync(timeout.Token).ConfigureAwait(false);
        try
        {
            if (_runtime is null)
            {
                return CommandResult.Refused("the agent is shutting down");
            }

            var result = await command(timeout.Token).ConfigureAwait(false);
            LogCommand(name, result.Accepted, result.Message);
            return result;
        }
        finally
        {
            _commandGate.Release();
        }
    }

    /// <summary>
    /// Loads the new model while the old runtime still runs (a bad model file changes nothing), then
    /// stops the old runtime and builds the new one; if that fails, the previous config comes back.
    /// </summary>
    private async Task ReplaceRuntimeAsync(AgentConfig config, CancellationToken cancellationToken)
    {
        var model = AgentRuntime.LoadModel(config.Settings);
        var old = Runtime;

        // Stop the old one before building the new: both would share the state directory and the peer identity.
        await old.StopAsync(leave: true, cancellationToken).ConfigureAwait(false);
        await old.DisposeAsync().ConfigureAwait(false);
        AgentRuntime next;
        try
        {
            next = AgentRuntime.Create(config.Settings, _options, model);
        }
        catch (Exception ex) when (IsStartFailure(ex))
        {
            // Bring the previous configuration back; it worked a moment ago.
            _runtime = AgentRuntime.Create(_config.Settings, _options);
            _runtime.Start();
            throw;
        }

        _runtime = next;
        next.Start();
    }

    private void Persist(AgentConfig config)
    {
        string directory = config.Settings.StateDirectory;
        Directory.CreateDirectory(directory);
        // The operator's config may carry secrets (fleetToken, mqttPassword): owner-only, like a password file.
        AtomicFile.Write(Path.Combine(directory, AppliedConfigFile), s => s.Write(config.Json), AtomicFile.OwnerOnly);
        AtomicFile.Write(Path.Combine(directory, AppliedBaseFile), s => s.Write(System.Text.Encoding.UTF8.GetBytes(_baseHash)));
    }

    private void StartControl()
    {
        var settings = Settings;
        if (settings.DashboardUrl is null)
        {
            LogNoDashboard();
            return;
        }

        _control = new ControlClient(
            settings.DashboardUrl,
            settings.FleetToken,
            this,
            Registration,
            ct => Runtime.StatusAsync(ct),
            Logs,
            _controlOptions,
            _options.Time,
            _options.Loggers.CreateLogger("IplsAgent.Control"));
        _control.Start();
    }

    /// <summary>
    /// Answers first over the current link, then moves to the new dashboard or token: under the command
    /// gate like every change of <c>_control</c>, so it never races <see cref="StopAsync"/>.
    /// </summary>
    private async Task RestartControlAfterAnswerAsync()
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), _options.Time, _stopping.Token).ConfigureAwait(false);
            await _commandGate.WaitAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // stopping: StopAsync closes the link
        }

        try
        {
            await RestartControlAsync().ConfigureAwait(false);
        }
        finally
        {
            _commandGate.Release();
        }
    }

    private async Task RestartControlAsync()
    {
        if (_control is not null)
        {
            await _control.DisposeAsync().ConfigureAwait(false);
            _control = null;
        }

        if (_runtime is not null)
        {
            StartControl();
        }
    }

    [LoggerMessage(EventId = 2601, Level = LogLevel.Information, Message = "Command {Command}: accepted {Accepted}: {Message}")]
    private partial void LogCommand(string command, bool accepted, string message);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Information, Message = "Using the config applied from the dashboard ({Path}); edit the config file to override it")]
    private partial void LogUsingApplied(string path);

    [LoggerMessage(EventId = 2603, Level = LogLevel.Information, Message = "No dashboardUrl configured: running without remote control")]
    private partial void LogNoDashboard();

    [LoggerMessage(EventId = 2604, Level = LogLevel.Warning, Message = "Applied config moves this agent from vehicle {From} to vehicle {To}")]
    private partial void LogVehicleChanged(int from, int to);
}
