using System.Buffers.Text;
using System.Text;

namespace IplsCore.Transport.Kubo;

/// <summary>
/// The one multibase Kubo's pubsub speaks since 0.11: <c>"u"</c> + base64url without padding, for
/// topics in URLs and for the <c>data</c>, <c>seqno</c> and <c>topicIDs</c> fields of the stream.
/// </summary>
internal static class Multibase
{
    private const char Base64UrlPrefix = 'u';

    public static string EncodeTopic(string topic) => Encode(Encoding.UTF8.GetBytes(topic));

    public static string Encode(ReadOnlySpan<byte> bytes) => Base64UrlPrefix + Base64Url.EncodeToString(bytes);

    /// <summary>False for anything but <c>u</c>+base64url (other bases, padding, bad characters) or when the result would exceed <paramref name="maxBytes"/>.</summary>
    public static bool TryDecode(string? text, int maxBytes, out byte[] bytes, out bool tooLarge)
    {
        bytes = [];
        tooLarge = false;
        if (string.IsNullOrEmpty(text) || text[0] != Base64UrlPrefix)
        {
            return false;
        }

        var encoded = text.AsSpan(1);
        if (Base64Url.GetMaxDecodedLength(encoded.Length) > maxBytes + 2)
        {
            // Checked before decoding: a huge field must not cost a huge buffer.
            tooLarge = true;
            return false;
        }

        if (!Base64Url.IsValid(encoded, out int length) || encoded.Contains('='))
        {
            return false;
        }

        if (length > maxBytes)
        {
            tooLarge = true;
            return false;
        }

        bytes = new byte[length];
        return Base64Url.TryDecodeFromChars(encoded, bytes, out int written) && written == length;
    }

    /// <summary>A topic name back from its multibase form; null when it is not <c>u</c>+base64url of UTF-8.</summary>
    public static string? DecodeTopic(string encoded)
    {
        if (!TryDecode(encoded, 4096, out byte[] bytes, out _))
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
