using System.Text;
using IplsCore.Transport.Kubo;

namespace IplsCore.Tests.Transport.Kubo;

public sealed class NdjsonLineReaderTests
{
    /// <summary>Hands the stream out a few bytes at a time, as a network does.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }

    private static async Task<List<string>> ReadAllAsync(string text, int maxLine, int chunk)
    {
        var reader = new NdjsonLineReader(new TrickleStream(Encoding.UTF8.GetBytes(text), chunk), maxLine);
        var lines = new List<string>();
        while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
        {
            lines.Add(line.Oversized ? "<oversized>" : Encoding.UTF8.GetString(line.Bytes.Span));
        }

        return lines;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task Lines_AreSplitWhateverTheChunking_TwoInOneChunkAreTwo(int chunk)
    {
        var lines = await ReadAllAsync(KuboFixtures.Sub1 + "\r\n{\"x\":1}\r\n", 4096, chunk);

        Assert.Equal(4, lines.Count);
        Assert.StartsWith("{\"from\":\"12D3KooWFtRX", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("{\"from\":\"12D3KooWRWAD", lines[1], StringComparison.Ordinal);
        Assert.Equal(string.Empty, lines[2]);
        Assert.Equal("{\"x\":1}", lines[3]);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1000)]
    public async Task ALineOverTheLimit_IsSkippedToItsNewline_AndReportedOnce(int chunk)
    {
        string huge = new('x', 5000);
        var lines = await ReadAllAsync($"first\n{huge}\nsecond\n{huge}", 100, chunk);

        Assert.Equal(["first", "<oversized>", "second", "<oversized>"], lines);
    }

    [Fact]
    public async Task ALastLineWithoutNewline_IsHandedOn()
    {
        Assert.Equal(["a", "{\"from\":\"cut mid"], await ReadAllAsync("a\n{\"from\":\"cut mid", 100, 5));
    }
}
