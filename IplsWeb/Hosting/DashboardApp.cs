using System.Net;
using IplsCore.Control;
using IplsWeb.Broker;
using IplsWeb.Components;
using IplsWeb.Demo;
using IplsWeb.Fleet;
using IplsWeb.History;
using IplsWeb.Hubs;
using Microsoft.AspNetCore.Authentication.Cookies;
using MQTTnet.AspNetCore;
using MudBlazor.Services;

namespace IplsWeb.Hosting;

/// <summary>
/// Builds the dashboard: Blazor UI, the agents' SignalR hub and the embedded MQTT broker (TCP, and
/// WebSockets at /mqtt) in one Kestrel host, plus the local demo fleet. Tests build it the same way.
/// </summary>
public static class DashboardApp
{
    /// <summary>Builds the app; <paramref name="configureServices"/> runs last, so tests can replace a service (a fake clock, a recording logger).</summary>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        // The application name fixes where static assets are found, also when a test process hosts it.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(DashboardApp).Assembly.GetName().Name });
        var options = builder.Configuration.GetSection(DashboardOptions.Section).Get<DashboardOptions>() ?? new DashboardOptions();
        if (options.Problems() is { Count: > 0 } problems)
        {
            throw new DashboardConfigurationException(string.Join(Environment.NewLine, problems));
        }

        builder.Services.AddSingleton(new FleetSecret(FleetTokenStore.Resolve(options)));
        builder.Services.AddSingleton(TimeProvider.System);
        var runtimeSettings = new RuntimeSettings(options);
        builder.Services.AddSingleton(runtimeSettings);
        builder.Services.AddSingleton(sp =>
        {
            var fleet = new FleetState(sp.GetRequiredService<TimeProvider>()) { Threshold = runtimeSettings.Threshold };
            runtimeSettings.Changed += () => fleet.Threshold = runtimeSettings.Threshold; // the live picture follows every change
            fleet.Alerts.ResolveAfter = options.Alerts.ResolveAfter;
            fleet.Alerts.SmoothingSamples = options.Alerts.SmoothingSamples;
            return fleet;
        });
        builder.Services.AddSingleton<BrokerIngest>();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<BrokerAuthentication>();
        if (!options.IsLoopbackOnly)
        {
            builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
            {
                cookie.LoginPath = "/login";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
                cookie.SlidingExpiration = true;
            });
            builder.Services.AddAuthorization();
            builder.Services.AddCascadingAuthenticationState();
        }

        builder.Services.AddSingleton<AgentCommands>();
        builder.Services.AddSingleton<FleetSettings>();
        builder.Services.AddSingleton<ConfigValidator>();
        builder.Services.AddSingleton<HistoryWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<HistoryWriter>());
        builder.Services.AddMudServices();
        builder.Services.AddSingleton<DemoFleet>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DemoFleet>());

        var address = IPAddress.Parse(options.BindAddress);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, options.HttpPort);
            kestrel.Listen(address, options.MqttPort, listen => listen.UseMqtt());
        });
        // Drop the newest for a full subscriber queue, not the oldest: MQTTnet keeps dropped-oldest QoS 1
        // messages in its unacknowledged list for good. Flow control keeps queues short under bursts.
        builder.Services.AddHostedMqttServer(mqtt => mqtt.WithoutDefaultEndpoint()
            .WithMaxPendingMessagesPerClient(options.Broker.MaxPendingPerClient)
            .WithPendingMessagesOverflowStrategy(MQTTnet.Server.MqttPendingMessagesOverflowStrategy.DropNewMessage));
        builder.Services.AddSingleton<DeliveryFlowControl>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DeliveryFlowControl>());
        builder.Services.AddMqttConnectionHandler();
        builder.Services.AddConnections();
        // Registrations carry the agent's config (at most 64 KB, more once JSON-escaped); the default
        // 32 KB limit is raised for the agents' hub only, not for the UI circuits.
        builder.Services.AddSignalR().AddHubOptions<AgentHub>(hub => hub.MaximumReceiveMessageSize = 192 * 1024);
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();

        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        if (!options.IsLoopbackOnly)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }

        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapHub<AgentHub>(AgentHubRoutes.Path);
        app.MapMqtt("/mqtt");
        app.UseMqttServer(server =>
        {
            var flow = app.Services.GetRequiredService<DeliveryFlowControl>();
            server.InterceptingPublishAsync += flow.OnPublishAsync;
            server.ApplicationMessageEnqueuedOrDroppedAsync += flow.OnEnqueuedOrDroppedAsync;
            server.InterceptingPublishAsync += app.Services.GetRequiredService<BrokerIngest>().OnPublishAsync;
            server.ValidatingConnectionAsync += app.Services.GetRequiredService<BrokerAuthentication>().OnValidatingConnectionAsync;
        });
        var pages = app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        if (!options.IsLoopbackOnly)
        {
            app.MapSignIn(options);
            pages.RequireAuthorization();
        }

        return app;
    }
}
