using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using IplsWeb.Tests.Logging;
using Microsoft.Extensions.Logging;

namespace IplsWeb.Tests.Demo;

/// <summary>Secrets never leave the agent and never reach a log, even at Debug level.</summary>
public sealed class DemoSecretsTests
{
    private const string FleetToken = "demo-secrets-fleet-token-5f1c";
    private const string BrokerPassword = "demo-secrets-broker-pass-77aa";
    private const string AdminPassword = "demo-secrets-admin-pass-31bd";

    [Fact]
    public async Task TheDemoAtDebugLevel_LogsAndSendsOverTheHub_NeitherTheTokenNorAnyPassword()
    {
        var logs = new RecordingLoggerProvider();
        var hub = new HubTrafficRecorder();
        await using (var host = await DashboardHost.StartAsync(
            services =>
            {
                services.AddSingleton<ILoggerProvider>(logs);
                services.Configure<HubOptions>(o => o.AddFilter(hub));
            },
            peers: 1,
            bootstrappers: 1,
            fleetToken: FleetToken,
            extra: ["--Dashboard:BindAddress=0.0.0.0", $"--Dashboard:AdminPassword={AdminPassword}", $"--Dashboard:BrokerPassword={BrokerPassword}", "--Logging:LogLevel:Default=Debug", "--Logging:LogLevel:Microsoft.AspNetCore=Debug"]))
        {
            await Eventually.TrueAsync(() => host.Fleet.Agents.Count == 2 && host.Fleet.Agents.All(a => a.Connected && a.Status is not null && a.Logs().Length > 0), "both demo agents registered, report and send logs");
            Assert.All(host.Fleet.Agents, a => Assert.DoesNotContain("fleetToken", a.Registration.ConfigJson, StringComparison.OrdinalIgnoreCase));
            Assert.All(host.Fleet.Agents, a => Assert.Contains("\"mqttUsername\"", a.Registration.ConfigJson, StringComparison.Ordinal)); // the rest of the config is there
        }

        Assert.True(logs.Lines.Count > 50, $"only {logs.Lines.Count} log lines: Debug logging is not on");
        Assert.Contains(hub.Invocations, i => i.StartsWith("Register", StringComparison.Ordinal));
        foreach (string secret in new[] { FleetToken, BrokerPassword, AdminPassword })
        {
            Assert.DoesNotContain(logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(hub.Invocations, i => i.Contains(secret, StringComparison.Ordinal));
        }
    }


    /// <summary>Every hub invocation the agents make, method and arguments as JSON.</summary>
    private sealed class HubTrafficRecorder : IHubFilter
    {
        public ConcurrentQueue<string> Invocations { get; } = new();

        public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
        {
            Invocations.Enqueue(invocationContext.HubMethodName + " " + JsonSerializer.Serialize(invocationContext.HubMethodArguments));
            return next(invocationContext);
        }
    }
}
