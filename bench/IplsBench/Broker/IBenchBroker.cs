namespace IplsBench.Broker;

/// <summary>A broker the benchmark can start on a free loopback port and stop again.</summary>
internal interface IBenchBroker : IAsyncDisposable
{
    string Name { get; }

    int Port { get; }
}
