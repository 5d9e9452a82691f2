using System.Buffers;
using IplsCore.Logging;
using IplsWeb.Fleet;
using Microsoft.AspNetCore.Connections;

namespace IplsWeb.Broker;

/// <summary>
/// Answers an MQTT 3.1/3.1.1 CONNECT with an empty client id and no clean session the way the spec asks
/// (§3.1.3-8: CONNACK return code 2, identifier rejected, then close). MQTTnet's decoder drops such a
/// connection without a word; this looks at the first packet before MQTTnet does and consumes nothing
/// otherwise. Empty ids on a clean session are admitted (and assigned) by <see cref="BrokerAuthentication"/>.
/// </summary>
public sealed partial class EmptyClientIdGuard(FleetState fleet, TimeProvider time, ILogger<EmptyClientIdGuard> logger)
{
    private static readonly byte[] IdentifierRejected = [0x20, 0x02, 0x00, 0x02];
    private readonly RateLimiter _reports = new(time, TimeSpan.FromMinutes(1));

    public async Task InvokeAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(next);
        var input = connection.Transport.Input;
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        patience.CancelAfter(TimeSpan.FromSeconds(10)); // a silent client is MQTTnet's to time out
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(patience.Token).ConfigureAwait(false);
                var verdict = Inspect(result.Buffer);
                if (verdict == Verdict.NeedMore && !result.IsCompleted && !result.IsCanceled)
                {
                    input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    continue;
                }

                input.AdvanceTo(result.Buffer.Start); // nothing consumed: MQTTnet reads the same bytes
                if (verdict == Verdict.Refuse)
                {
                    Report(connection.RemoteEndPoint?.ToString() ?? "?");
                    await connection.Transport.Output.WriteAsync(IdentifierRejected, connection.ConnectionClosed).ConfigureAwait(false);
                    await connection.Transport.Output.CompleteAsync().ConfigureAwait(false);
                    return;
                }

                break;
            }
        }
        catch (OperationCanceledException) when (!connection.ConnectionClosed.IsCancellationRequested)
        {
            // no CONNECT within the patience: let MQTTnet deal with it
        }
        catch (Exception ex) when (ex is ConnectionResetException or OperationCanceledException)
        {
            return; // the client went away before its CONNECT: nothing to answer, nothing to hand on
        }

        await next(connection).ConfigureAwait(false);
    }

    private void Report(string remote)
    {
        if (_reports.TryAcquire(remote, out long suppressed))
        {
            LogRefused(remote, suppressed);
            fleet.Raise(FleetEventKind.Rejected, "broker", $"connect refused from {remote}: empty client id without a clean session (MQTT 3.1.1 §3.1.3-8: identifier rejected)");
        }
    }

    [LoggerMessage(EventId = 5121, Level = LogLevel.Warning, Message = "Broker refused a client from {Remote}: empty client id without a clean session ({Suppressed} more since the last report)")]
    private partial void LogRefused(string remote, long suppressed);

    private enum Verdict
    {
        NeedMore,
        Pass,
        Refuse,
    }

    private static Verdict Inspect(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryRead(out byte header))
        {
            return Verdict.NeedMore;
        }

        if (header != 0x10)
        {
            return Verdict.Pass;
        }

        for (int i = 0; i < 4; i++) // remaining length: up to 4 bytes, continuation bit 0x80
        {
            if (!reader.TryRead(out byte digit))
            {
                return Verdict.NeedMore;
            }

            if ((digit & 0x80) == 0)
            {
                break;
            }
        }

        if (!reader.TryReadBigEndian(out short nameLength))
        {
            return Verdict.NeedMore;
        }

        // name, level, flags, keep-alive (2), client id length (2)
        if (nameLength is < 0 or > 16 || reader.Remaining < nameLength + 6)
        {
            return nameLength is < 0 or > 16 ? Verdict.Pass : Verdict.NeedMore;
        }

        reader.Advance(nameLength);
        reader.TryRead(out byte level);
        reader.TryRead(out byte flags);
        reader.Advance(2);
        reader.TryReadBigEndian(out short idLength);
        bool v3 = (level & 0x7F) is 3 or 4; // a mosquitto bridge sets 0x80 (try_private)
        return v3 && idLength == 0 && (flags & 0x02) == 0 ? Verdict.Refuse : Verdict.Pass;
    }
}
