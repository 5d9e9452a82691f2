using System.Globalization;

namespace IplsWeb.Identity;

/// <summary>Vehicle numbers as they appear in user names and topics: 1–99999, plain digits.</summary>
public static class VehicleNumber
{
    public const int Max = 99_999;

    public static bool TryParse(ReadOnlySpan<char> text, out int vehicle) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out vehicle) && vehicle is > 0 and <= Max
        && text[0] != '0';
}
