using System.Threading.Channels;
using IplsCore.Engine;
using IplsCore.Ipls.Runtime;
using IplsCore.Scaling;
using IplsCore.Training;
using Microsoft.Extensions.Logging;

namespace IplsAgent.Runtime;

/// <summary>
/// Local training at the reference cadence, beside scoring: each round starts from the newest fleet
/// model, its delta goes to the partition owners, and the scorer is switched atomically to the
/// fleet model (default) or to the locally fitted one (<c>scoreWith: local</c>, as the reference).
/// A peer trains only once it holds the fleet model; samples before that are scored, not learnt.
/// </summary>
internal sealed partial class TrainingLoop(
    RoundTrainer trainer,
    IplsPeerRunner runner,
    AnomalyScorer scorer,
    MinMaxScaler scaler,
    bool scoreWithFleetModel,
    int warmUpRounds,
    ChannelReader<float[]> samples,
    AgentCounters counters,
    ILogger logger)
{
    private int _rounds;

    /// <summary>Rounds completed in this run.</summary>
    public int Rounds => Volatile.Read(ref _rounds);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (float[] sample in samples.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await AddAsync(sample, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    private async Task AddAsync(float[] sample, CancellationToken cancellationToken)
    {
        if (trainer.AwaitingRoundStart)
        {
            var fleet = runner.FleetModel;
            if (!fleet.Synchronized)
            {
                counters.SampleWhileUnsynchronized();
                return;
            }

            trainer.BeginRound(fleet.Parameters, fleet.Versions);
            if (scoreWithFleetModel && !trainer.WarmingUp)
            {
                scorer.Model = ScoringModel.Create(trainer.Network, scaler);
            }
        }

        if (trainer.Add(sample) is not { } outcome)
        {
            return;
        }

        Volatile.Write(ref _rounds, outcome.Round);
        counters.RoundDone(outcome.Loss);
        LogRound(runner.Id, outcome.Round, outcome.Samples, outcome.Loss);
        await runner.SubmitDeltaAsync(outcome.Delta, outcome.BaseVersions, outcome.Samples, outcome.Round, cancellationToken).ConfigureAwait(false);
        if (!scoreWithFleetModel && outcome.Round > warmUpRounds)
        {
            scorer.Model = ScoringModel.Create(outcome.Fitted, scaler);
        }
    }

    [LoggerMessage(EventId = 2401, Level = LogLevel.Debug, Message = "Peer {Peer} finished round {Round} on {Samples} samples, loss {Loss}")]
    private partial void LogRound(string peer, int round, int samples, float loss);
}
