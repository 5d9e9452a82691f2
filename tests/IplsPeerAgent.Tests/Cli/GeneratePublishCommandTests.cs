using System.Text.Json;
using IplsCore.Messages;
using IplsCore.Tests.Transport;

namespace IplsPeerAgent.Tests.Cli;

/// <summary><c>generate --publish</c>: one vehicle's generator on its own, as the reference ran it in a container of its own.</summary>
public sealed class GeneratePublishCommandTests
{
    [Fact]
    public async Task PublishesStringPayloads_ForItsVehicle_AndFollowsModeCommands_UntilItsRuntimeEnds()
    {
        var (server, port) = await Brokers.StartMqttNetAsync();
        try
        {
            await using var probe = await MqttProbe.ConnectAsync(port, "vehicle/7");
            var run = CliRun.InvokeAsync("generate", "--publish", $"mqtt://0.0.0.0:{port}", "--vehicle", "7", "--rate", "20", "--runtime", "12");

            await Eventually.TrueAsync(() => probe.Count("vehicle/7") >= 10, "normal samples arrive", seconds: 30);
            await probe.PublishAsync("vehicle/7/generator", "{\"mode\":\"anomaly\"}");
            int switchedAt = probe.Count("vehicle/7");
            await Eventually.TrueAsync(() => probe.On("vehicle/7").Skip(switchedAt + 5).Count(p => Ring(p.Payload) > 4) >= 5, "anomaly samples (features 2-3 on a ring of radius 6) follow the command", seconds: 30);
            var result = await run;

            Assert.Equal(0, result.ExitCode);
            Assert.Contains("published", result.Output, StringComparison.Ordinal);
            using var first = JsonDocument.Parse(probe.On("vehicle/7")[0].Payload);
            Assert.All(first.RootElement.GetProperty("value").EnumerateArray(), v => Assert.Equal(JsonValueKind.String, v.ValueKind));
        }
        finally
        {
            await server.StopAsync(new MQTTnet.Server.MqttServerStopOptions());
            server.Dispose();
        }
    }

    [Theory]
    [InlineData("--publish", "http://x:1", "--vehicle", "1")]
    [InlineData("--publish", "mqtt://localhost:1883")]
    [InlineData("--publish", "mqtt://localhost:1883", "--vehicle", "1", "--normal-file", "only-one.csv")]
    public async Task BadOptions_AreUserErrors(params string[] options)
    {
        var result = await CliRun.InvokeAsync(["generate", .. options]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    private static double Ring(byte[] payload)
    {
        var values = new float[4];
        Assert.Equal(PayloadRejection.None, SensorPayload.TryParse(payload, values, out _));
        return Math.Sqrt((values[2] * values[2]) + (values[3] * values[3]));
    }
}
