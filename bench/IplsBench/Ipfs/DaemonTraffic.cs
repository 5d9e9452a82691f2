using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace IplsBench.Ipfs;

/// <summary>
/// Bytes a daemon sent and received over libp2p, as the daemon counts them: Kubo's <c>stats/bw</c>;
/// js-ipfs answers <c>stats/bw</c> with zeros (its libp2p 0.42 metrics do not feed it), so there the
/// Prometheus counters <c>libp2p_data_transfer_bytes_total{protocol="global sent|received"}</c> of
/// <c>/debug/metrics/prometheus</c> are read, which js-ipfs serves when started with <c>IPFS_MONITORING=1</c>
/// (scripts/ipfs-dev.sh does).
/// </summary>
internal static partial class DaemonTraffic
{
    public static async Task<(long Sent, long Received, string Source)?> ReadAsync(HttpClient http, Uri api, CancellationToken cancellationToken)
    {
        using (var response = await http.PostAsync(new Uri(api, "api/v0/stats/bw"), null, cancellationToken).ConfigureAwait(false))
        {
            if (response.IsSuccessStatusCode)
            {
                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
                long sent = Number(doc.RootElement.GetProperty("TotalOut"));
                long received = Number(doc.RootElement.GetProperty("TotalIn"));
                if (sent + received > 0)
                {
                    return (sent, received, "stats/bw");
                }
            }
        }

        using var metrics = await http.GetAsync(new Uri(api, "debug/metrics/prometheus"), cancellationToken).ConfigureAwait(false);
        if (!metrics.IsSuccessStatusCode)
        {
            return null;
        }

        string text = await metrics.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var sentMatch = GlobalSent().Match(text);
        var receivedMatch = GlobalReceived().Match(text);
        return sentMatch.Success && receivedMatch.Success
            ? ((long)double.Parse(sentMatch.Groups[1].Value, CultureInfo.InvariantCulture), (long)double.Parse(receivedMatch.Groups[1].Value, CultureInfo.InvariantCulture), "libp2p_data_transfer_bytes_total (Prometheus)")
            : null;
    }

    private static long Number(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? long.Parse(element.GetString()!, CultureInfo.InvariantCulture) : element.GetInt64();

    [GeneratedRegex("""^libp2p_data_transfer_bytes_total\{protocol="global sent"\} ([0-9.e+]+)$""", RegexOptions.Multiline)]
    private static partial Regex GlobalSent();

    [GeneratedRegex("""^libp2p_data_transfer_bytes_total\{protocol="global received"\} ([0-9.e+]+)$""", RegexOptions.Multiline)]
    private static partial Regex GlobalReceived();
}
