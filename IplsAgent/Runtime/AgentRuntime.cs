using System.Threading.Channels;
using IplsCore.Configuration;
using IplsCore.Control;
using IplsCore.Data;
using IplsCore.Engine;
using IplsCore.Ipls;
using IplsCore.Ipls.Node;
using IplsCore.Ipls.Runtime;
using IplsCore.Ipls.Wire;
using IplsCore.Scaling;
using IplsCore.Training;
using IplsCore.Transport;
using Microsoft.Extensions.Logging;

namespace IplsAgent.Runtime;

/// <summary>
/// One run of an agent with one set of settings: the IPLS peer, and for a peer also the data path
/// (scoring, training, the optional generator) and periodic checkpoints. Restarting the agent or
/// applying a config disposes this and makes a new one with the same identity (next incarnation).
/// </summary>
internal sealed partial class AgentRuntime : IAsyncDisposable
{
    private readonly AgentSettings _settings;
    private readonly AgentRuntimeOptions _options;
    private readonly ILogger _logger;
    private readonly CheckpointStore _store;
    private readonly NetworkShape _shape;
    private readonly MinMaxScaler _scaler;
    private readonly IIplsTransport _iplsTransport;
    private readonly IMessageLink? _data;
    private readonly IplsPeerRunner _runner;
    private readonly ScoringLoop? _scoring;
    private readonly TrainingLoop? _training;
    private readonly PersonalizedScorer? _scorer;
    private readonly DataGenerator? _generator;
    private readonly ProcessMetrics _metrics;
    private readonly bool _sharedProcess;
    private readonly int _roundsBefore;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private readonly SemaphoreSlim _checkpointGate = new(1, 1);
    private readonly LoopGuard _guard;
    private bool _started;
    private bool _stopped;

    /// <summary>What <see cref="Create(AgentSettings, AgentRuntimeOptions, ValueTuple{DenseNetwork, MinMaxScaler})"/> read and opened for the constructor.</summary>
    private sealed record Opened(CheckpointStore Store, PeerIdentity Identity, AgentCheckpoint? Checkpoint, IIplsTransport Ipls, IMessageLink? Data);

    private AgentRuntime(AgentSettings settings, AgentRuntimeOptions options, (DenseNetwork Network, MinMaxScaler Scaler) model, Opened opened, ILogger logger)
    {
        _settings = settings;
        _options = options;
        _logger = logger;
        _metrics = new ProcessMetrics(options.Time);
        _guard = new LoopGuard(_logger, options.Time, TimeSpan.FromSeconds(1));
        _sharedProcess = options.SharedProcess;
        var (network, scaler) = model;
        _shape = network.Shape;
        _scaler = scaler;
        _store = opened.Store;
        Identity = opened.Identity;
        var checkpoint = opened.Checkpoint;
        if (checkpoint is not null)
        {
            network.SetParameters(checkpoint.Parameters);
        }

        _roundsBefore = checkpoint?.Rounds ?? 0;
        Controls = new AgentControls(checkpoint?.Threshold ?? settings.Threshold, !(checkpoint?.Stopped ?? false));
        var node = new IplsNode(
            settings.Ipls,
            Identity.Id,
            settings.Role,
            Identity.Incarnation,
            MessageCodec.FromToken(settings.FleetToken),
            network.Parameters,
            checkpoint?.Versions,
            seed: settings.Vehicle,
            logger: options.Loggers.CreateLogger("IplsCore.Ipls.Node"));
        _iplsTransport = opened.Ipls;
        _runner = new IplsPeerRunner(node, _iplsTransport, options.Time, options.Loggers.CreateLogger("IplsCore.Ipls.Runtime"), options.Tick);
        if (opened.Data is null)
        {
            return; // a bootstrapper takes no sensor data
        }

        _data = opened.Data;
        bool personal = settings.Learning.ScoreWith == ScoreWith.Personal;
        // The personal model resumes from its checkpoint; without one it starts as a copy of the fleet model.
        var personalStart = network.Clone();
        if (personal && checkpoint?.PersonalParameters is { } saved)
        {
            personalStart.SetParameters(saved);
        }

        var scorer = new PersonalizedScorer(ScoringModel.Create(network, scaler), personal ? ScoringModel.Create(personalStart, scaler) : null);
        _scorer = scorer;
        var queue = Channel.CreateBounded<float[]>(new BoundedChannelOptions(options.TrainingQueueCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: refused, counted as a drop
        });
        if (settings.Generator.Enabled)
        {
            var generatorSettings = checkpoint?.GeneratorMode is { } mode ? settings.Generator with { Mode = mode } : settings.Generator;
            _generator = new DataGenerator(generatorSettings, settings.SensorTopic, _data, Counters, options.Time, _logger);
        }

        var trainer = new RoundTrainer(network, scaler, settings.Cadence, settings.Ipls.Partitions, settings.Vehicle);
        _scoring = new ScoringLoop(settings, _data, scorer, queue.Writer, Counters, Controls, _generator, options.Time, _logger);
        var personalModel = personal ? new PersonalModel(personalStart, scaler, settings.Cadence, settings.Learning, settings.Vehicle) : null;
        _training = new TrainingLoop(trainer, personalModel, _runner, scorer, scaler, settings.Learning, Controls, settings.Cadence.WarmUpRounds, queue.Reader, Counters, _logger);
    }

    public PeerIdentity Identity { get; }

    public AgentSettings Settings => _settings;

    public AgentControls Controls { get; }

    public AgentCounters Counters { get; } = new();

    public IplsPeerRunner Runner => _runner;

    /// <summary>The personal model the scorer uses now (null unless <c>scoreWith: personal</c> on a peer); the tests read it.</summary>
    internal ScoringModel? PersonalModel => _scorer?.PersonalModel;

    /// <summary>Loads the model, checkpoint and identity and builds everything; nothing runs yet. Bad files throw.</summary>
    public static AgentRuntime Create(AgentSettings settings, AgentRuntimeOptions options) => Create(settings, options, LoadModel(settings));

    /// <summary>
    /// Builds a runtime around a model already loaded with <see cref="LoadModel"/>. All I/O happens
    /// here, not in the constructor: the state directory, identity and checkpoint are read and the
    /// transports opened; if a later step throws, what was opened is closed again.
    /// </summary>
    public static AgentRuntime Create(AgentSettings settings, AgentRuntimeOptions options, (DenseNetwork Network, MinMaxScaler Scaler) model)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        var logger = options.Loggers.CreateLogger("IplsAgent.Runtime");
        var store = new CheckpointStore(settings.StateDirectory, logger);
        store.EnsureWritable();
        var identity = PeerIdentity.LoadOrCreate(store.IdentityPath, settings.AgentId, options.Time);
        var checkpoint = store.TryLoad(model.Network.Shape, settings.Ipls.Partitions);
        if (checkpoint is not null)
        {
            LogResumed(logger, identity.Id, checkpoint.SavedAt, string.Join(',', checkpoint.Versions));
        }

        var ipls = options.Transports.CreateIpls(settings, identity.Id, options.Loggers);
        IMessageLink? data = null;
        try
        {
            data = settings.Role == PeerRole.Peer ? options.Transports.CreateData(settings, identity.Id, options.Loggers) : null;
            return new AgentRuntime(settings, options, model, new Opened(store, identity, checkpoint, ipls, data), logger);
        }
        catch
        {
            CloseQuietly(ipls);
            if (data is not null)
            {
                CloseQuietly(data);
            }

            throw;
        }
    }

    /// <summary>
    /// The settings' model, checked against the partitioning. Touches no state, so a config can be
    /// vetted with it while another runtime still runs. Bad files and settings throw.
    /// </summary>
    public static (DenseNetwork Network, MinMaxScaler Scaler) LoadModel(AgentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var model = AgentModel.Load(settings);
        settings.Ipls.Validate(model.Network.ParameterCount);
        return model;
    }

    public void Start()
    {
        if (_started)
        {
            throw new InvalidOperationException("Already started.");
        }

        _started = true;
        var token = _stopping.Token;
        _runner.Start();
        if (_data is not null)
        {
            _loops.Add(Task.Run(() => _guard.RunAsync("subscribe", SubscribeDataAsync, token), CancellationToken.None));
            _loops.Add(Task.Run(() => _guard.RunAsync("scoring", _scoring!.RunAsync, token), CancellationToken.None));
            _loops.Add(Task.Run(() => _guard.RunAsync("training", _training!.RunAsync, token), CancellationToken.None));
            if (_generator is not null)
            {
                _loops.Add(Task.Run(() => _guard.RunAsync("generator", _generator.RunAsync, token), CancellationToken.None));
            }
        }

        _loops.Add(Task.Run(() => _guard.RunAsync("checkpoint", CheckpointPeriodicallyAsync, token), CancellationToken.None));
        LogStarted(Identity.Id, Identity.Incarnation, _settings.Role, _settings.Vehicle, Controls.Consuming ? "running" : "stopped", AgentTransports.DescribeIpls(_settings));
    }

    /// <summary>Start (true) or stop (false) consuming sensor data and training; the peer stays a member either way.</summary>
    public async Task<string> SetConsumingAsync(bool consuming, CancellationToken cancellationToken)
    {
        if (_data is null)
        {
            return "a bootstrapper takes no sensor data";
        }

        Controls.Consuming = consuming;
        try
        {
            if (consuming)
            {
                await _data.SubscribeAsync(_settings.SensorTopic, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _data.UnsubscribeAsync(_settings.SensorTopic, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (TransportUnavailableException ex)
        {
            // The transport remembers its topics and applies them on reconnection.
            return $"the broker is not reachable now ({ex.Message}); takes effect when it is";
        }
        finally
        {
            await CheckpointAsync(cancellationToken).ConfigureAwait(false);
        }

        return consuming ? "consuming sensor data" : "stopped consuming; still an IPLS member";
    }

    public async Task<bool> SetGeneratorModeAsync(GeneratorMode mode, CancellationToken cancellationToken)
    {
        if (_generator is null)
        {
            return false;
        }

        _generator.Mode = mode;
        await CheckpointAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task SetThresholdAsync(double threshold, CancellationToken cancellationToken)
    {
        Controls.Threshold = threshold;
        await CheckpointAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<AgentStatusReport> StatusAsync(CancellationToken cancellationToken)
    {
        var time = _options.Time;
        NodeView? view = null;
        if (_started && !_stopped)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                view = await _runner.QueryAsync(n => NodeView.Of(n, time.GetUtcNow()), timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The loop is busy or gone: report what we know without it.
            }
        }

        var rejected = new AgentRejections
        {
            Payload = Counters.PayloadRejections(),
            Ipls = view?.Rejected ?? new Dictionary<RejectReason, long>(),
            GeneratorCommands = Counters.GeneratorCommandsRejected,
            TrainingQueue = Counters.TrainingQueueDrops,
            IplsReceiveQueue = _iplsTransport.Counters.DroppedQueueFull,
            DataReceiveQueue = _data?.Counters.DroppedQueueFull ?? 0,
            IplsOversized = _iplsTransport.Counters.DroppedOversized,
            DataOversized = _data?.Counters.DroppedOversized ?? 0,
            IplsMalformed = _iplsTransport.Counters.DroppedMalformed,
            IplsContent = _iplsTransport.Counters.ContentRejected,
            ScorePublishFailures = Counters.ScorePublishFailures,
            LoopRestarts = _guard.Restarts,
            GeneratorMissed = Counters.GeneratorMissedTotal,
        };

        var (cpu, memory) = _metrics.Read();
        var fleet = _runner.FleetModel;
        return new AgentStatusReport
        {
            AgentId = Identity.Id,
            Vehicle = _settings.Vehicle,
            Role = _settings.Role,
            State = !_started ? AgentRunState.Starting : Controls.Consuming || _data is null ? AgentRunState.Running : AgentRunState.Stopped,
            At = time.GetUtcNow(),
            Synchronized = fleet.Synchronized,
            BrokerConnected = (_data ?? _iplsTransport).IsConnected,
            IplsNetwork = _iplsTransport.NetworkDescription,
            RoundsDone = _roundsBefore + (_training?.Rounds ?? 0),
            LastLoss = Counters.LastLoss,
            LastScore = Counters.LastScore,
            Threshold = Controls.Threshold,
            SamplesScored = Counters.SamplesScored,
            ScoresAboveThreshold = Counters.AboveThreshold,
            GeneratorMode = _generator is null ? null : GeneratorModeParser.ToWireName(_generator.Mode),
            Partitions = view?.Partitions ?? [.. fleet.Versions.Select((v, p) => new PartitionStatus(p, v, PartitionOwnership.None))],
            Peers = view?.Peers ?? [],
            Rejected = rejected,
            CpuPercent = cpu,
            MemoryMb = memory,
            SharedProcess = _sharedProcess,
        };
    }

    /// <summary>Saves the fleet model, versions and run-time choices (threshold, generator mode, stopped).</summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        await _checkpointGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var fleet = _runner.FleetModel;
            var checkpoint = new AgentCheckpoint(
                fleet.Parameters,
                fleet.Versions,
                _roundsBefore + (_training?.Rounds ?? 0),
                Controls.Threshold,
                _generator?.Mode,
                !Controls.Consuming,
                _options.Time.GetUtcNow(),
                _scorer?.PersonalModel?.Parameters.ToArray());
            _store.Save(checkpoint, _shape, _scaler);
        }
        catch (IOException ex)
        {
            LogCheckpointFailed(_store.Directory, ex.Message);
        }
        catch (UnauthorizedAccessException ex)
        {
            LogCheckpointFailed(_store.Directory, ex.Message);
        }
        finally
        {
            _checkpointGate.Release();
        }
    }

    /// <summary>Stops the loops, writes a final checkpoint and leaves the fleet (gracefully when <paramref name="leave"/>).</summary>
    public async Task StopAsync(bool leave, CancellationToken cancellationToken)
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_loops).ConfigureAwait(false);
        if (_started)
        {
            try
            {
                await CheckpointAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await _runner.StopAsync(leave, cancellationToken).ConfigureAwait(false);
            }
        }

        LogStopped(Identity.Id, leave);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(leave: false, CancellationToken.None).ConfigureAwait(false);
        await _runner.DisposeAsync().ConfigureAwait(false);
        await _iplsTransport.DisposeAsync().ConfigureAwait(false);
        if (_data is not null)
        {
            await _data.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
        _checkpointGate.Dispose();
    }

    private static void CloseQuietly(IMessageLink link)
    {
        try
        {
            link.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or TransportUnavailableException)
        {
            // already failing: the first exception is the one to report
        }
    }

    private async Task SubscribeDataAsync(CancellationToken cancellationToken)
    {
        var topics = new List<string>();
        if (Controls.Consuming)
        {
            topics.Add(_settings.SensorTopic);
        }

        if (_generator is not null)
        {
            topics.Add(_settings.GeneratorTopic);
        }

        foreach (string topic in topics)
        {
            try
            {
                await _data!.SubscribeAsync(topic, cancellationToken).ConfigureAwait(false);
            }
            catch (TransportUnavailableException ex)
            {
                LogSubscribeDeferred(topic, ex.Message);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task CheckpointPeriodicallyAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_settings.CheckpointInterval, _options.Time);
        try
        {
            // A first checkpoint right away: the container's healthcheck watches checkpoint.json, and a
            // restarted agent's state is then on disk before its first interval ends.
            await CheckpointAsync(cancellationToken).ConfigureAwait(false);
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await CheckpointAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Agent {Agent} (incarnation {Incarnation}) started as {Role} for vehicle {Vehicle}, {State}; {Ipls}")]
    private partial void LogStarted(string agent, long incarnation, PeerRole role, int vehicle, string state, string ipls);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Agent {Agent} stopped (graceful leave: {Leave})")]
    private partial void LogStopped(string agent, bool leave);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Agent {Agent} resumes from the checkpoint of {SavedAt:O}, partition versions {Versions}")]
    private static partial void LogResumed(ILogger logger, string agent, DateTimeOffset savedAt, string versions);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Checkpoint in {Directory} failed: {Reason}")]
    private partial void LogCheckpointFailed(string directory, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Subscription to {Topic} deferred until the broker is reachable: {Reason}")]
    private partial void LogSubscribeDeferred(string topic, string reason);
}
