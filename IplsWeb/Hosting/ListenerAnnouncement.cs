using System.Collections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace IplsWeb.Hosting;

/// <summary>
/// Kestrel serves HTTP and the MQTT listener alike, and the host announces every address as
/// <c>http://</c> ("Now listening on: http://127.0.0.1:1883"), which tells an operator to point a
/// browser at the broker. This wrapper around the server hides the MQTT address from what the host
/// announces and says itself what listens where, with the right schemes. Addresses given to the server
/// (ASPNETCORE_URLS) still reach it, so Kestrel's own warnings about them stay.
/// </summary>
internal sealed partial class ListenerAnnouncement : IServer
{
    private readonly IServer _inner;
    private readonly int _mqttPort;
    private readonly ILogger _logger;
    private readonly FeatureCollection _features;

    public ListenerAnnouncement(IServer inner, int mqttPort, ILogger<ListenerAnnouncement> logger)
    {
        _inner = inner;
        _mqttPort = mqttPort;
        _logger = logger;
        _features = new FeatureCollection(inner.Features);
        if (inner.Features.Get<IServerAddressesFeature>() is { } addresses)
        {
            _features.Set<IServerAddressesFeature>(new HttpAddresses(addresses, this));
        }
    }

    public IFeatureCollection Features => _features;

    /// <summary>Wraps the server the host builder registered (Kestrel), keeping how it is made.</summary>
    public static void Decorate(IServiceCollection services, int mqttPort)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IServer));
        services.Remove(registered);
        services.AddSingleton<IServer>(sp =>
        {
            var inner = registered switch
            {
                { ImplementationInstance: IServer instance } => instance,
                { ImplementationFactory: { } factory } => (IServer)factory(sp),
                _ => (IServer)ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!),
            };
            return new ListenerAnnouncement(inner, mqttPort, sp.GetRequiredService<ILogger<ListenerAnnouncement>>());
        });
    }

    public async Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        await _inner.StartAsync(application, cancellationToken).ConfigureAwait(false);
        var all = _inner.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        var http = all.Where(a => !IsMqtt(a)).ToList();
        var mqtt = all.Where(IsMqtt).Select(a => "mqtt" + a[a.IndexOf(':', StringComparison.Ordinal)..]).ToList();
        var websockets = http.Select(a => "ws" + a["http".Length..].TrimEnd('/') + "/mqtt");
        LogListening(string.Join(", ", http), string.Join(", ", mqtt), string.Join(", ", websockets));
    }

    public Task StopAsync(CancellationToken cancellationToken) => _inner.StopAsync(cancellationToken);

    public void Dispose() => _inner.Dispose();

    private bool IsMqtt(string address) => Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Port == _mqttPort;

    [LoggerMessage(EventId = 5510, Level = LogLevel.Information, Message = "Listening: UI and agents' hub on {Http}; MQTT on {Mqtt}, and over WebSockets on {WebSockets}")]
    private partial void LogListening(string http, string mqtt, string webSockets);

    /// <summary>The server's addresses without the MQTT one when read; changes go to the server unchanged.</summary>
    private sealed class HttpAddresses(IServerAddressesFeature inner, ListenerAnnouncement owner) : IServerAddressesFeature
    {
        public ICollection<string> Addresses { get; } = new View(inner.Addresses, owner);

        public bool PreferHostingUrls
        {
            get => inner.PreferHostingUrls;
            set => inner.PreferHostingUrls = value;
        }

        private sealed class View(ICollection<string> all, ListenerAnnouncement owner) : ICollection<string>
        {
            public int Count => all.Count(a => !owner.IsMqtt(a));

            public bool IsReadOnly => all.IsReadOnly;

            public void Add(string item) => all.Add(item);

            public void Clear() => all.Clear();

            public bool Contains(string item) => !owner.IsMqtt(item) && all.Contains(item);

            public void CopyTo(string[] array, int arrayIndex) => all.Where(a => !owner.IsMqtt(a)).ToList().CopyTo(array, arrayIndex);

            public bool Remove(string item) => all.Remove(item);

            public IEnumerator<string> GetEnumerator() => all.Where(a => !owner.IsMqtt(a)).GetEnumerator();

            IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        }
    }
}
