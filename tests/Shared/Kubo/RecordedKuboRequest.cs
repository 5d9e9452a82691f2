namespace IplsCore.Tests.Transport.Kubo;

/// <summary>One request the fake daemon received, as it came over the wire.</summary>
internal sealed record RecordedKuboRequest(
    string Method,
    string Path,
    string Query,
    string? ContentType,
    long? ContentLength,
    byte[] Body,
    string? Origin,
    string? UserAgent)
{
    /// <summary>The request line as the fixtures write it, without the HTTP version: <c>POST /api/v0/pubsub/pub?arg=uZmwvcm91bmQ</c>.</summary>
    public string Line => $"{Method} {Path}{Query}";

    /// <summary>The multipart boundary from the Content-Type header.</summary>
    public string Boundary => ContentType?.Split("boundary=", 2) is [_, var boundary] ? boundary : string.Empty;
}
