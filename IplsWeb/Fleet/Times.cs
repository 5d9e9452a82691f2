using System.Globalization;

namespace IplsWeb.Fleet;

/// <summary>One way to show a time on the dashboard: in the dashboard's time zone, with the zone named.</summary>
public static class Times
{
    public static string Format(DateTimeOffset at, TimeZoneInfo zone, bool withDate = false)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(at, zone);
        string offset = local.Offset == TimeSpan.Zero ? "UTC" : "UTC" + local.ToString("zzz", CultureInfo.InvariantCulture);
        return local.ToString(withDate ? "yyyy-MM-dd HH:mm:ss" : "HH:mm:ss", CultureInfo.InvariantCulture) + " " + offset;
    }
}
