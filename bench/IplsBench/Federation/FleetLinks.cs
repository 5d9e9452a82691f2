using IplsCore.Ipls.Simulation;

namespace IplsBench.Federation;

/// <summary>No sharing: every round starts from the vehicle's own last model.</summary>
internal sealed class IsolatedLink : IFleetLink
{
    public void CopyBase(Span<float> model, Span<long> versions, ReadOnlySpan<float> localModel) => localModel.CopyTo(model);

    public void Submit(ReadOnlySpan<float> delta, ReadOnlySpan<long> baseVersions, int samples, int round)
    {
    }
}

/// <summary>Rounds start from the ideal central model; deltas go straight to it.</summary>
internal sealed class CentralLink(CentralAggregator aggregator) : IFleetLink
{
    public void CopyBase(Span<float> model, Span<long> versions, ReadOnlySpan<float> localModel) => aggregator.Model.CopyTo(model);

    public void Submit(ReadOnlySpan<float> delta, ReadOnlySpan<long> baseVersions, int samples, int round) => aggregator.Add(delta, samples);
}

/// <summary>Rounds start from the fleet model the vehicle's IPLS node holds; deltas go out through it.</summary>
internal sealed class IplsLink(SimulatedNodeHost host, Func<DateTimeOffset> now) : IFleetLink
{
    public SimulatedNodeHost Host { get; } = host;

    public bool Ready => Host.Up && Host.Node.IsSynchronized;

    public void CopyBase(Span<float> model, Span<long> versions, ReadOnlySpan<float> localModel)
    {
        Host.Node.FleetModel.CopyTo(model);
        Host.Node.Versions.CopyTo(versions);
    }

    public void Submit(ReadOnlySpan<float> delta, ReadOnlySpan<long> baseVersions, int samples, int round)
    {
        if (!Host.Up)
        {
            return;
        }

        Host.Node.SubmitDelta(delta, baseVersions, samples, round, now());
        Host.Flush();
    }
}
