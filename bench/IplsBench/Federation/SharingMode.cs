namespace IplsBench.Federation;

/// <summary>How the vehicles of a federation run share what they learn.</summary>
internal enum SharingMode
{
    /// <summary>No sharing: each vehicle trains on its own data only.</summary>
    Isolated,

    /// <summary>Our IPLS protocol over the simulated network.</summary>
    Ipls,

    /// <summary>One ideal FedAvg server that sees every delta at once: the upper bound.</summary>
    Centralized,
}
