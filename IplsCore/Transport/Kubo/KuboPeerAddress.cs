using System.Text.RegularExpressions;
using IplsCore.Configuration;

namespace IplsCore.Transport.Kubo;

/// <summary>
/// Peer multiaddrs for <c>swarm/connect</c> and <c>bootstrap/add</c>, which both need the peer id at
/// the end (<c>/ip4/10.0.0.10/tcp/4001/p2p/12D3KooW…</c>). adConfig.json may give the id inside the
/// address (also in the old <c>/ipfs/</c> form) or beside it in <c>ipfsBootstrapperIds</c>, index by index.
/// </summary>
public static partial class KuboPeerAddress
{
    /// <summary>
    /// The bootstrappers as full multiaddrs, one per address. Problems are added to
    /// <paramref name="errors"/> under the config keys (<c>ipfsBootstrapperAddresses:i</c>, <c>ipfsBootstrapperIds:i</c>).
    /// </summary>
    public static IReadOnlyList<string> Combine(IReadOnlyList<string> addresses, IReadOnlyList<string> ids, ICollection<ConfigIssue> errors)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(errors);
        var peers = new List<string>();
        for (int i = 0; i < addresses.Count; i++)
        {
            string key = $"ipfsBootstrapperAddresses:{i}";
            string address = addresses[i].Trim().TrimEnd('/');
            string? listedId = i < ids.Count ? ids[i].Trim() : null;
            if (!address.StartsWith('/') || address.Split('/').Length < 5)
            {
                errors.Add(new ConfigIssue(key, addresses[i], "must be a peer multiaddr like /ip4/10.0.0.10/tcp/4001/p2p/<peer id> (or without /p2p/ and the id in ipfsBootstrapperIds)"));
                continue;
            }

            string? embeddedId = PeerId(address);
            if (embeddedId is not null)
            {
                if (!IsPeerId(embeddedId))
                {
                    errors.Add(new ConfigIssue(key, addresses[i], $"\"{embeddedId}\" is not a peer id"));
                    continue;
                }

                if (listedId is not null && listedId.Length > 0 && listedId != embeddedId)
                {
                    errors.Add(new ConfigIssue($"ipfsBootstrapperIds:{i}", listedId, $"differs from the peer id in ipfsBootstrapperAddresses:{i} ({embeddedId})"));
                    continue;
                }

                peers.Add(P2pForm(address));
            }
            else if (listedId is null || listedId.Length == 0)
            {
                errors.Add(new ConfigIssue(key, addresses[i], $"has no /p2p/<peer id> and ipfsBootstrapperIds:{i} is missing"));
            }
            else if (!IsPeerId(listedId))
            {
                errors.Add(new ConfigIssue($"ipfsBootstrapperIds:{i}", listedId, "is not a peer id (e.g. 12D3KooW… or Qm…)"));
            }
            else
            {
                peers.Add(address + "/p2p/" + listedId);
            }
        }

        for (int i = addresses.Count; i < ids.Count; i++)
        {
            errors.Add(new ConfigIssue($"ipfsBootstrapperIds:{i}", ids[i], $"has no address: set ipfsBootstrapperAddresses:{i} too"));
        }

        return peers;
    }

    /// <summary>The peer id after <c>/p2p/</c> (or <c>/ipfs/</c>) in a multiaddr, or null.</summary>
    public static string? PeerId(string multiaddr)
    {
        ArgumentNullException.ThrowIfNull(multiaddr);
        string[] parts = multiaddr.Split('/');
        for (int i = parts.Length - 2; i >= 0; i--)
        {
            if (parts[i] is "p2p" or "ipfs")
            {
                return parts[i + 1];
            }
        }

        return null;
    }

    /// <summary>Base58 peer ids (<c>12D3KooW…</c>, <c>Qm…</c>) or CIDv1 ones (<c>k51…</c>, <c>bafz…</c>).</summary>
    public static bool IsPeerId(string text) => PeerIdPattern().IsMatch(text);

    private static string P2pForm(string address)
    {
        int at = address.LastIndexOf("/ipfs/", StringComparison.Ordinal);
        return at < 0 ? address : string.Concat(address.AsSpan(0, at), "/p2p/", address.AsSpan(at + "/ipfs/".Length));
    }

    [GeneratedRegex("^([1-9A-HJ-NP-Za-km-z]{46,64}|b[a-z2-7]{50,80}|k[0-9a-z]{48,80})$")]
    private static partial Regex PeerIdPattern();
}
