using System.Collections.Concurrent;
using System.Text;
using Microsoft.Playwright;
using MQTTnet;
using MQTTnet.Protocol;

namespace IplsWeb.BrowserTests;

/// <summary>A vehicle without an agent of ours: its page switches a generator listening on the broker over MQTT.</summary>
public sealed class GeneratorOverMqttTests
{
    [Fact]
    public async Task TheVehiclePage_PublishesTheGeneratorCommand_ThroughTheEmbeddedBroker()
    {
        await using var session = await BrowserSession.StartAsync(peers: 0, bootstrappers: 0, rateHz: 4);
        if (session is null)
        {
            return;
        }

        using var generator = new MqttClientFactory().CreateMqttClient();
        await generator.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", session.Host.MqttPort).WithClientId("reference-generator-7").Build());
        var heard = new ConcurrentQueue<string>();
        generator.ApplicationMessageReceivedAsync += e =>
        {
            heard.Enqueue(e.ApplicationMessage.Topic + " " + Encoding.UTF8.GetString(e.ApplicationMessage.Payload));
            return Task.CompletedTask;
        };
        await generator.SubscribeAsync("vehicle/7/generator", MqttQualityOfServiceLevel.AtLeastOnce);

        await session.Page.GotoAsync(new Uri(session.Host.Url, "vehicles/7").ToString());
        await session.Page.GetByTestId("mqtt-generator-anomaly").ClickAsync();
        await Eventually.TrueAsync(() => heard.Contains("vehicle/7/generator {\"mode\":\"anomaly\"}"), "the generator hears the command");
        await Assertions.Expect(session.Page.GetByTestId("recent-events")).ToContainTextAsync("generator anomaly over MQTT: published", new() { Timeout = BrowserSession.DefaultTimeout });
    }
}
