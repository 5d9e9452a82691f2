using System.Text;
using IplsCore.Messages;
using IplsCore.Tests.Transport;
using Xunit.Abstractions;

namespace IplsAgent.Tests.Runtime;

/// <summary>
/// The reference generator's payloads (the data file's text, values as JSON strings) scored by our agent with
/// the reference model: normal ≈ 0.017, anomaly ≈ 0.29, as the reference reports. Needs the reference files
/// next to the repository (../shared/reference/technica; never committed); without them it says so and checks nothing.
/// </summary>
public sealed class ReferenceGeneratorScoringTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task StringPayloads_FromTheReferenceFiles_ScoreAsInTheReference()
    {
        string? reference = FindReferenceDirectory();
        if (reference is null)
        {
            output.WriteLine("Reference files not found next to the repository: nothing checked.");
            return;
        }

        var (server, port) = await Brokers.StartMqttNetAsync();
        try
        {
            await using var agent = await TestAgents.StartAsync(port, _dir.File("state"), new Dictionary<string, object>
            {
                ["modelPath"] = Path.Combine(reference, "ad_ipls_params"),
                ["scalerPath"] = Path.Combine(reference, "scaler"),
                ["learningRate"] = "0", // score with the reference model as it is
            });
            await using var probe = await MqttProbe.ConnectAsync(port, "v1/anomaly");

            double normal = await MeanScoreAsync(probe, Path.Combine(reference, "normal_1"), 0);
            double anomaly = await MeanScoreAsync(probe, Path.Combine(reference, "anomaly_1"), probe.Count("v1/anomaly"));
            output.WriteLine($"mean score: normal {normal:F4}, anomaly {anomaly:F4}");

            Assert.InRange(normal, 0.012, 0.022);
            Assert.InRange(anomaly, 0.24, 0.34);
        }
        finally
        {
            await server.StopAsync(new MQTTnet.Server.MqttServerStopOptions());
            server.Dispose();
        }
    }

    private static async Task<double> MeanScoreAsync(MqttProbe probe, string file, int before)
    {
        const int rows = 200;
        foreach (string line in File.ReadLines(file).Take(rows))
        {
            // As the reference generator sends it: {"value":["-4.39936127","1.37920332",...]}
            string values = string.Join(",", line.Split(',').Select(v => "\"" + v.Trim() + "\""));
            await probe.PublishAsync("vehicle/1", "{\"value\":[" + values + "]}");
        }

        await Eventually.TrueAsync(() => probe.Count("v1/anomaly") >= before + rows, $"{rows} scores for {Path.GetFileName(file)}", seconds: 60);
        return probe.On("v1/anomaly").Skip(before).Take(rows).Select(m => Score(m.Payload)).Average();
    }

    private static double Score(byte[] payload)
    {
        Assert.True(ScorePayload.TryRead(payload, out float score, out _), Encoding.UTF8.GetString(payload));
        return score;
    }

    private static string? FindReferenceDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "IplsWeb.sln")))
            {
                string candidate = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "reference", "technica"));
                return File.Exists(Path.Combine(candidate, "ad_ipls_params")) && File.Exists(Path.Combine(candidate, "normal_1")) ? candidate : null;
            }
        }

        return null;
    }
}
