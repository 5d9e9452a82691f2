namespace IplsBench.Federation;

/// <summary>Where a vehicle gets the model each round starts from and where its delta goes.</summary>
internal interface IFleetLink
{
    /// <summary>False while the vehicle must not train yet (an IPLS node still fetching the fleet model).</summary>
    bool Ready => true;

    /// <summary>Copies the model the next round starts from (and the partition versions it represents).</summary>
    void CopyBase(Span<float> model, Span<long> versions, ReadOnlySpan<float> localModel);

    void Submit(ReadOnlySpan<float> delta, ReadOnlySpan<long> baseVersions, int samples, int round);
}
