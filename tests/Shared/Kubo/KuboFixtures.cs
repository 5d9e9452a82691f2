using System.Globalization;
using System.Text;
using System.Text.Json;

namespace IplsCore.Tests.Transport.Kubo;

/// <summary>
/// The Kubo RPC contract's fixtures (shared/design/kubo-rpc-fixtures.http), rebuilt in code: peer
/// ids, CIDs, topics and bodies, and the wire forms the fake daemon writes. Encodings here are done
/// independently of the library's, so the tests check it rather than repeat it.
/// </summary>
internal static class KuboFixtures
{
    public const string PeerA = "12D3KooWRWADNo2mDhkXG6yU8iSzzbwnUwcBS9d7qv8KrjKf7UyR";
    public const string PeerB = "12D3KooWFtRXeVYo5VixuXeNuPSFYfQVbFoZXzuM2ksrguqJ6Kkk";
    public const string PeerC = "12D3KooWLYpE4mJQqT4WsmxkSDhnLPwiYsywoYxG9GaNN6KWhvSj";

    /// <summary>UnixFS CIDv0 of <c>hello world\n</c> (what <c>add</c> gives).</summary>
    public const string V0 = "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o";

    /// <summary>Raw CIDv1 of <c>hello world\n</c> (what <c>block/put</c> gives).</summary>
    public const string Raw = "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4";

    /// <summary><c>fl/round</c> as a multibase topic.</summary>
    public const string TopicFlRound = "uZmwvcm91bmQ";

    public const string Msg = """{"round":3,"cid":"QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o"}""";

    public const string Msg64 = "ueyJyb3VuZCI6MywiY2lkIjoiUW1UNzh6U3VCbXVTNHo5MjVXWmZycVExcUhhSjU2RFFhVGZ5TVVGN0Y4ZmY1byJ9";

    public const string PubsubDisabled = "experimental pubsub feature not enabled, run daemon with --enable-pubsub-experiment to use";

    /// <summary>The contract's sub-1 stream: B's message, then our own (A's) publication.</summary>
    public const string Sub1 =
        """{"from":"12D3KooWFtRXeVYo5VixuXeNuPSFYfQVbFoZXzuM2ksrguqJ6Kkk","data":"ueyJyb3VuZCI6MywiY2lkIjoiUW1UNzh6U3VCbXVTNHo5MjVXWmZycVExcUhhSjU2RFFhVGZ5TVVGN0Y4ZmY1byJ9","seqno":"uGKKzxNXm9wE","topicIDs":["uZmwvcm91bmQ"]}""" + "\n"
        + """{"from":"12D3KooWRWADNo2mDhkXG6yU8iSzzbwnUwcBS9d7qv8KrjKf7UyR","data":"uaGVsbG8","seqno":"uGKKzxNXm9wI","topicIDs":["uZmwvcm91bmQ"]}""" + "\n";

    public const string Version = """{"Version":"0.41.0","Commit":"3d1e5f2","Repo":"18","System":"amd64/linux","Golang":"go1.26.2"}""";

    public static byte[] HelloWorld => "hello world\n"u8.ToArray();

    /// <summary>u + base64url without padding, written out the long way.</summary>
    public static string Multibase(byte[] bytes) =>
        "u" + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Multibase(string text) => Multibase(Encoding.UTF8.GetBytes(text));

    public static byte[]? FromMultibase(string text)
    {
        if (text.Length == 0 || text[0] != 'u' || text.Contains('=', StringComparison.Ordinal))
        {
            return null;
        }

        string b64 = text[1..].Replace('-', '+').Replace('_', '/');
        b64 += new string('=', (4 - (b64.Length % 4)) % 4);
        try
        {
            return Convert.FromBase64String(b64);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>A multipart body as the fixtures show it (pub-1, add-1, bput-1), for a given boundary.</summary>
    public static byte[] MultipartBody(string boundary, string fileName, byte[] payload) =>
        [
            .. Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{fileName}\"\r\nContent-Type: application/octet-stream\r\n\r\n"),
            .. payload,
            .. Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n"),
        ];

    /// <summary>One <c>pubsub/sub</c> line in the ≥ 0.11 format (keys in Kubo's order; no data key for an empty payload).</summary>
    public static string SubLine(string from, byte[] data, long seqno, string topic)
    {
        byte[] seq = BitConverter.GetBytes(seqno);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(seq);
        }

        string dataPart = data.Length == 0 ? string.Empty : $"\"data\":\"{Multibase(data)}\",";
        return $"{{\"from\":\"{from}\",{dataPart}\"seqno\":\"{Multibase(seq)}\",\"topicIDs\":[\"{Multibase(topic)}\"]}}";
    }

    public static string IdJson(string peerId, bool pubsub)
    {
        string[] protocols = pubsub
            ? ["/floodsub/1.0.0", "/ipfs/bitswap/1.2.0", "/ipfs/id/1.0.0", "/ipfs/id/push/1.0.0", "/ipfs/kad/1.0.0", "/ipfs/ping/1.0.0", "/meshsub/1.0.0", "/meshsub/1.1.0", "/meshsub/1.2.0"]
            : ["/ipfs/bitswap/1.2.0", "/ipfs/id/1.0.0", "/ipfs/id/push/1.0.0", "/ipfs/kad/1.0.0", "/ipfs/ping/1.0.0"];
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["ID"] = peerId,
            ["PublicKey"] = "CAESIOkRBOWQ/pemtfyewpgVVpG+Y99nvth1gS55t9morick",
            ["Addresses"] = new[] { $"/ip4/10.0.0.11/tcp/4001/p2p/{peerId}", $"/ip4/127.0.0.1/tcp/4001/p2p/{peerId}" },
            ["AgentVersion"] = "kubo/0.41.0",
            ["Protocols"] = protocols,
        });
    }

    public static string ErrorJson(string message) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["Message"] = message, ["Code"] = 0, ["Type"] = "error" });

    public static string Strings(IEnumerable<string>? strings) =>
        strings is null ? """{"Strings":null}""" : JsonSerializer.Serialize(new Dictionary<string, object> { ["Strings"] = strings.ToArray() });

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);
}
