namespace IplsCore.Transport.Kubo;

/// <summary>
/// Reads newline-delimited lines from a stream without trusting the sender: a line longer than the
/// limit is skipped up to its newline and reported as oversized instead of growing a buffer without
/// bound, and two lines in one chunk are two lines (the reference lost the second).
/// </summary>
internal sealed class NdjsonLineReader(Stream stream, int maxLineBytes)
{
    private byte[] _buffer = new byte[Math.Min(16 * 1024, maxLineBytes + 1)];
    private int _start;
    private int _end;
    private bool _discarding;
    private bool _eof;

    /// <summary>The next line without its line break; valid until the next call. Null at the end of the stream.</summary>
    public async ValueTask<NdjsonLine?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = new ReadOnlyMemory<byte>(_buffer, _start, newline - _start);
                _start = newline + 1;
                if (_discarding)
                {
                    _discarding = false;
                    return new NdjsonLine(ReadOnlyMemory<byte>.Empty, Oversized: true);
                }

                return new NdjsonLine(line.Span.EndsWith("\r"u8) ? line[..^1] : line, Oversized: false);
            }

            if (_end - _start > maxLineBytes)
            {
                // Too long already: drop what we have and skip to the next newline.
                _discarding = true;
                _start = _end = 0;
            }

            if (_eof)
            {
                if (_end > _start && !_discarding)
                {
                    // A last line without its newline: a stream cut mid-message. Hand it on; it fails to parse and is counted.
                    var rest = new ReadOnlyMemory<byte>(_buffer, _start, _end - _start);
                    _start = _end;
                    return new NdjsonLine(rest, Oversized: false);
                }

                bool wasDiscarding = _discarding;
                _discarding = false;
                _start = _end = 0;
                return wasDiscarding ? new NdjsonLine(ReadOnlyMemory<byte>.Empty, Oversized: true) : null;
            }

            MakeRoom();
            int read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _eof = true;
            }

            _end += read;
        }
    }

    private void MakeRoom()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            // Grows up to one byte more than the limit, which is how an oversized line is noticed.
            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, maxLineBytes + 1));
        }
    }
}

/// <summary>One line of an ndjson stream, or the marker of one that was too long and skipped.</summary>
internal readonly record struct NdjsonLine(ReadOnlyMemory<byte> Bytes, bool Oversized);
