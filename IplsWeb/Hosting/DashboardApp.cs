using System.Net;
using IplsCore.Control;
using IplsWeb.Broker;
using IplsWeb.Components;
using IplsWeb.Demo;
using IplsWeb.Fleet;
using IplsWeb.History;
using IplsWeb.Hubs;
using IplsWeb.Identity;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using MQTTnet.AspNetCore;
using MudBlazor.Services;

namespace IplsWeb.Hosting;

/// <summary>
/// Builds the dashboard: Blazor UI, the agents' SignalR hub and the embedded MQTT broker (TCP, and
/// WebSockets at /mqtt) in one Kestrel host, plus the local demo fleet. Tests build it the same way.
/// With Dashboard:Broker:Mode = External there is no broker here: a client of the external one feeds the same ingest.
/// </summary>
public static class DashboardApp
{
    /// <summary>Builds the app; <paramref name="configureServices"/> runs last, so tests can replace a service (a fake clock, a recording logger).</summary>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        // The application name fixes where static assets are found, also when a test process hosts it.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(DashboardApp).Assembly.GetName().Name });
        // Read now, not only at start: the ports and the data lock are needed to build the host. The same
        // validator checks the built host's options (also what configureServices changed) right after Build.
        var options = DashboardOptionsValidation.Read(builder.Configuration);
        builder.Services.AddOptions<DashboardOptions>().Bind(builder.Configuration.GetSection(DashboardOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DashboardOptions>, DashboardOptionsValidation>();
        bool embeddedBroker = options.Broker.Mode == BrokerMode.Embedded;

        // Before anything touches the data directory: a second dashboard on it stops here.
        var dataLock = DataDirectoryLock.Acquire(options.DataDirectory);
        builder.Services.AddSingleton(_ => dataLock); // created by a factory: the container disposes it
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
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
            RememberedTopics.Attach(fleet, options.DataDirectory, sp.GetRequiredService<ILogger<RememberedTopics>>());
            return fleet;
        });
        builder.Services.AddSingleton<BrokerIngest>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<DashboardOptions>>().Value);
        builder.Services.AddSingleton(new VehicleCredentials(IdentityKeyStore.Resolve(options.Identity, options.DataDirectory), options.Identity.Generations));
        builder.Services.AddSingleton<BrokerAuthentication>();
        builder.Services.AddSingleton<BrokerAuthorization>();
        builder.Services.AddSingleton<EmptyClientIdGuard>();
        builder.Services.AddKeyedSingleton(SignInEndpoints.ThrottleKey, (sp, _) => new AuthThrottle(options.Identity.Throttle, sp.GetRequiredService<TimeProvider>()));
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

        // Sign-in cookies and antiforgery tokens are protected with keys in the data directory (the
        // container's volume): they survive a recreated container, so sign-ins do too.
        try
        {
            DataProtectionKeys.Add(builder.Services, options.DataDirectory);
        }
        catch (DashboardConfigurationException)
        {
            dataLock.Dispose();
            throw;
        }

        builder.Services.AddSingleton<AgentCommands>();
        builder.Services.AddSingleton<OverviewCounters>();
        builder.Services.AddSingleton<FleetSettings>();
        builder.Services.AddSingleton<ConfigValidator>();
        // The store on its own: pages read it, the writer writes and opens it at start; the container disposes it last.
        builder.Services.AddSingleton(sp => HistoryStores.Create(options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton<HistoryWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<HistoryWriter>());
        builder.Services.AddMudServices();
        builder.Services.AddSingleton<DemoFleet>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DemoFleet>());

        var address = IPAddress.Parse(options.BindAddress);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, options.HttpPort);
            if (embeddedBroker)
            {
                kestrel.Listen(address, options.MqttPort, listen =>
                {
                    listen.Use(next =>
                    {
                        var guard = listen.ApplicationServices.GetRequiredService<EmptyClientIdGuard>();
                        return connection => guard.InvokeAsync(connection, next);
                    });
                    listen.UseMqtt();
                });
            }
        });
        if (embeddedBroker)
        {
            ListenerAnnouncement.Decorate(builder.Services, options.MqttPort); // MQTT is announced as mqtt://, not http://
            // Drop the newest for a full subscriber queue, not the oldest: MQTTnet keeps dropped-oldest QoS 1
            // messages in its unacknowledged list for good. Flow control keeps queues short under bursts.
            builder.Services.AddHostedMqttServer(mqtt => mqtt.WithoutDefaultEndpoint()
                .WithMaxPendingMessagesPerClient(options.Broker.MaxPendingPerClient)
                .WithPendingMessagesOverflowStrategy(MQTTnet.Server.MqttPendingMessagesOverflowStrategy.DropNewMessage));
            builder.Services.AddSingleton<BrokerShutdown>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<BrokerShutdown>());
            builder.Services.AddSingleton<DeliveryFlowControl>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<DeliveryFlowControl>());
            builder.Services.AddSingleton<IBrokerPublisher, EmbeddedBrokerPublisher>();
            builder.Services.AddMqttConnectionHandler();
        }
        else
        {
            // No MQTT listener here: the dashboard is a client of the fleet's broker, which enforces identities.
            builder.Services.AddSingleton<ExternalBrokerClient>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ExternalBrokerClient>());
            builder.Services.AddSingleton<IBrokerPublisher>(sp => sp.GetRequiredService<ExternalBrokerClient>());
        }

        builder.Services.AddSingleton<GeneratorSwitch>();
        builder.Services.AddConnections();
        // Registrations carry the agent's config (at most 64 KB, more once JSON-escaped); the default
        // 32 KB limit is raised for the agents' hub only, not for the UI circuits.
        builder.Services.AddSignalR().AddHubOptions<AgentHub>(hub => hub.MaximumReceiveMessageSize = 192 * 1024);
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();

        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.Services.GetRequiredService<DataDirectoryLock>();
        DashboardOptionsValidation.ThrowOnProblems(app);
        app.Lifetime.ApplicationStopped.Register(dataLock.Dispose);
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
        // Pages link the SVG icon; what asks for /favicon.ico by habit (a browser showing JSON, crawlers,
        // bookmarks) is sent there for good. A redirect, not the SVG under an .ico name: the one icon keeps
        // one URL whose name and content type agree, and browsers and crawlers follow it and cache the 301.
        app.MapMethods("/favicon.ico", [HttpMethods.Get, HttpMethods.Head], () => Results.Redirect("/favicon.svg", permanent: true)).AllowAnonymous();
        app.MapHub<AgentHub>(AgentHubRoutes.Path);
        if (embeddedBroker)
        {
            app.MapMqtt("/mqtt");
            app.UseMqttServer(server =>
            {
                // Permissions first: a refused publish is neither held for, nor stored, nor delivered.
                var authorization = app.Services.GetRequiredService<BrokerAuthorization>();
                server.InterceptingPublishAsync += authorization.OnPublishAsync;
                server.InterceptingSubscriptionAsync += authorization.OnSubscribeAsync;
                var flow = app.Services.GetRequiredService<DeliveryFlowControl>();
                server.InterceptingPublishAsync += flow.OnPublishAsync;
                server.ApplicationMessageEnqueuedOrDroppedAsync += flow.OnEnqueuedOrDroppedAsync;
                server.InterceptingPublishAsync += app.Services.GetRequiredService<BrokerIngest>().OnPublishAsync;
                server.ValidatingConnectionAsync += app.Services.GetRequiredService<BrokerAuthentication>().OnValidatingConnectionAsync;
                server.ValidatingConnectionAsync += app.Services.GetRequiredService<BrokerShutdown>().OnValidatingConnectionAsync;
            });
        }

        var pages = app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        var api = app.MapFleetApi();
        if (!options.IsLoopbackOnly)
        {
            app.MapSignIn(options);
            pages.RequireAuthorization();
            api.RequireAuthorization();
        }

        return app;
    }
}
