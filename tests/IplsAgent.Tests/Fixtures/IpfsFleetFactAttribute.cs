namespace IplsAgent.Tests.Fixtures;

/// <summary>
/// A test that needs running IPFS daemons (js-ipfs in CI, or Kubo): skipped, saying how to get them,
/// unless <c>IPLS_IPFS_APIS</c> lists at least <see cref="Daemons"/> API multiaddrs.
/// <c>scripts/ipfs-dev.sh start 4</c> starts them and <c>scripts/ipfs-dev.sh print-env</c> gives the variables.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class IpfsFleetFactAttribute : FactAttribute
{
    public const string ApisVariable = "IPLS_IPFS_APIS";

    public IpfsFleetFactAttribute(int daemons)
    {
        Daemons = daemons;
        int given = (Environment.GetEnvironmentVariable(ApisVariable) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries).Length;
        if (given < daemons)
        {
            Skip = $"needs {daemons} running IPFS daemons in {ApisVariable} (has {given}): scripts/ipfs-dev.sh install && scripts/ipfs-dev.sh start {daemons} && eval \"$(scripts/ipfs-dev.sh print-env)\"";
        }
    }

    public int Daemons { get; }
}
