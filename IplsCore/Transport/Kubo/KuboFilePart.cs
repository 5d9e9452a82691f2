using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace IplsCore.Transport.Kubo;

/// <summary>
/// A <c>multipart/form-data</c> body with one file part, written exactly as the contract's
/// fixtures show (and as the JS client sends it): <c>name="file"</c>, the file name escaped,
/// <c>application/octet-stream</c>, CRLF delimiters, a known length. .NET's
/// <see cref="MultipartFormDataContent"/> adds a <c>filename*</c> parameter and quotes the boundary;
/// writing it ourselves keeps the bytes on the wire predictable and testable.
/// </summary>
internal sealed class KuboFilePart : HttpContent
{
    private readonly byte[] _head;
    private readonly ReadOnlyMemory<byte> _data;
    private readonly byte[] _tail;

    public KuboFilePart(string fileName, ReadOnlyMemory<byte> data)
    {
        _data = data;
        string boundary;
        do
        {
            boundary = "ipls" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        }
        while (data.Span.IndexOf(Encoding.ASCII.GetBytes("--" + boundary)) >= 0);

        Boundary = boundary;
        Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=" + boundary);
        _head = Encoding.ASCII.GetBytes(
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{Uri.EscapeDataString(fileName)}\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        _tail = Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n");
    }

    public string Boundary { get; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(_head, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(_data, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(_tail, cancellationToken).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _head.Length + _data.Length + _tail.Length;
        return true;
    }
}
