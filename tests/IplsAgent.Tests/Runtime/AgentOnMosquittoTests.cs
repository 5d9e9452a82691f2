using IplsCore.Messages;
using IplsCore.Tests.Transport;

namespace IplsAgent.Tests.Runtime;

/// <summary>The data path through Debian's mosquitto (the broker of the reference system), including its restart.</summary>
public sealed class AgentOnMosquittoTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ScoresAndRejections_ThroughMosquitto_SurviveABrokerRestart()
    {
        var (process, port, missing) = await Brokers.StartMosquittoAsync(_dir.Path);
        if (process is null)
        {
            Assert.True(Environment.GetEnvironmentVariable("IPLS_SKIP_MOSQUITTO") == "1", missing);
            return;
        }

        try
        {
            await using var agent = await TestAgents.StartAsync(port, _dir.File("state"));
            await using (var probe = await MqttProbe.ConnectAsync(port, "v1/anomaly"))
            {
                await Eventually.TrueAsync(() => Send(probe, "{\"value\":[\"0.5\",\"0.5\",\"0.1\",\"0.1\"]}") && probe.Count("v1/anomaly") > 0, "scores through mosquitto");
                await probe.PublishAsync("vehicle/1", "{\"value\":[1,2]}");
                await Eventually.TrueAsync(() => agent.Runtime.Counters.RejectedCount(PayloadRejection.WrongLength) == 1, "the short payload is counted");
                Assert.True(ScorePayload.TryRead(probe.On("v1/anomaly")[0].Payload, out _, out _));
            }

            process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
            (process, int newPort, _) = await Brokers.StartMosquittoAsync(_dir.Path, port);
            Assert.Equal(port, newPort);

            await using var after = await MqttProbe.ConnectAsync(port, "v1/anomaly");
            await Eventually.TrueAsync(() => Send(after, "{\"value\":[0.5,0.5,0.1,0.1]}") && after.Count("v1/anomaly") > 0, "scores after mosquitto restarted");
        }
        finally
        {
            process?.Kill();
            process?.Dispose();
        }
    }

    private static bool Send(MqttProbe probe, string payload)
    {
        _ = probe.PublishAsync("vehicle/1", payload);
        return true;
    }
}
