using System.Data.Common;
using IplsWeb.Fleet;

namespace IplsWeb.History;

/// <summary>
/// Row reading both stores share: their event queries return the same columns (at_ms, kind, subject,
/// detail), their alert queries too (vehicle, started_ms, resolved_ms, peak, threshold).
/// </summary>
internal static class HistoryRows
{
    /// <summary>Events from a query's rows; a kind this build does not know reads as <see cref="FleetEventKind.Rejected"/>.</summary>
    public static async Task<List<FleetEvent>> ReadEventsAsync(DbCommand query, CancellationToken cancellationToken)
    {
        var result = new List<FleetEvent>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var kind = Enum.TryParse<FleetEventKind>(reader.GetString(1), out var k) ? k : FleetEventKind.Rejected;
            result.Add(new FleetEvent(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), kind, reader.GetString(2), reader.GetString(3)));
        }

        return result;
    }

    /// <summary>Alerts from a query's rows; a null resolved_ms is an alert still open.</summary>
    public static async Task<List<Alert>> ReadAlertsAsync(DbCommand query, CancellationToken cancellationToken)
    {
        var result = new List<Alert>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new Alert(
                reader.GetInt32(0),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                reader.GetDouble(3),
                reader.GetDouble(4)));
        }

        return result;
    }
}
