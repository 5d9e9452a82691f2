using System.Globalization;

namespace IplsWeb.Fleet;

/// <summary>One way to show a time on the dashboard: in the dashboard's time zone, with the zone named.</summary>
public static class Times
{
    public static string Format(DateTimeOffset at, TimeZoneInfo zone, bool withDate = false)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return local.ToString(withDate ? "yyyy-MM-dd HH:mm:ss" : "HH:mm:ss", CultureInfo.InvariantCulture) + " " + ZoneName(at, zone);
    }

    /// <summary>The zone as the dashboard names it at that moment: "UTC" or "UTC+01:00".</summary>
    public static string ZoneName(DateTimeOffset at, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return local.Offset == TimeSpan.Zero ? "UTC" : "UTC" + local.ToString("zzz", CultureInfo.InvariantCulture);
    }
}
