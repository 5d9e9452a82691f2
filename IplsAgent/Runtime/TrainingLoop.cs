using System.Threading.Channels;
using IplsCore.Engine;
using IplsCore.Ipls.Runtime;
using IplsCore.Scaling;
using IplsCore.Training;
using Microsoft.Extensions.Logging;

namespace IplsAgent.Runtime;

/// <summary>
/// Local training at the reference cadence, beside scoring: each round starts from the newest fleet
/// model, its delta goes to the partition owners weighted by <see cref="ContributionWeight"/>, and
/// the scorer is switched atomically to the fleet model (<c>scoreWith: personal</c> and
/// <c>fleet</c>) or to the locally fitted one (<c>local</c>, as the reference). With
/// <c>personal</c> every sample also feeds the <see cref="PersonalModel"/>, whose changes go to the
/// scorer's second model (docs/learning.md). A peer trains the fleet model only once it holds it;
/// samples before that are scored and feed only the personal model.
/// </summary>
internal sealed partial class TrainingLoop(
    RoundTrainer trainer,
    PersonalModel? personal,
    IplsPeerRunner runner,
    PersonalizedScorer scorer,
    MinMaxScaler scaler,
    LearningOptions learning,
    AgentControls controls,
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
        if (personal?.Add(sample, scorer.FleetModel) is { } personalModel)
        {
            scorer.PersonalModel = personalModel;
        }

        if (trainer.AwaitingRoundStart)
        {
            var fleet = runner.FleetModel;
            if (!fleet.Synchronized)
            {
                counters.SampleWhileUnsynchronized();
                return;
            }

            if (learning.ShareWhileLearning && personal is { LastStep: PersonalStep.Train })
            {
                trainer.BeginRound(personal.Network.Parameters, fleet.Parameters, fleet.Versions); // the delta carries all the personal model learnt
            }
            else
            {
                trainer.BeginRound(fleet.Parameters, fleet.Versions);
            }

            if (learning.ScoreWith != ScoreWith.Local && !trainer.WarmingUp)
            {
                scorer.FleetModel = ScoringModel.Create(trainer.Network, scaler);
            }
        }

        if (trainer.Add(sample) is not { } outcome)
        {
            return;
        }

        Volatile.Write(ref _rounds, outcome.Round);
        counters.RoundDone(outcome.Loss);
        LogRound(runner.Id, outcome.Round, outcome.Samples, outcome.Loss);
        int weight = ContributionWeight.Of(outcome.Samples, outcome.BaseScore, learning, controls.Threshold);
        await runner.SubmitDeltaAsync(outcome.Delta, outcome.BaseVersions, weight, outcome.Round, cancellationToken).ConfigureAwait(false);
        if (learning.ScoreWith == ScoreWith.Local && outcome.Round > warmUpRounds)
        {
            scorer.FleetModel = ScoringModel.Create(outcome.Fitted, scaler);
        }
    }

    [LoggerMessage(EventId = 2401, Level = LogLevel.Debug, Message = "Peer {Peer} finished round {Round} on {Samples} samples, loss {Loss}")]
    private partial void LogRound(string peer, int round, int samples, float loss);
}
