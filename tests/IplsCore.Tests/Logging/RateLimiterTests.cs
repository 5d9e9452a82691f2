using IplsCore.Logging;
using Microsoft.Extensions.Time.Testing;

namespace IplsCore.Tests.Logging;

public sealed class RateLimiterTests
{
    [Fact]
    public void OneLinePerKeyPerInterval_AndTheNextOneSaysHowManyWereHeldBack()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero));
        var limiter = new RateLimiter(time, TimeSpan.FromSeconds(10));

        Assert.True(limiter.TryAcquire("NotJson", out long first));
        Assert.Equal(0, first);
        for (int i = 0; i < 99; i++)
        {
            Assert.False(limiter.TryAcquire("NotJson", out _));
        }

        Assert.True(limiter.TryAcquire("WrongLength", out _)); // keys are independent

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(limiter.TryAcquire("NotJson", out long suppressed));
        Assert.Equal(99, suppressed);
        Assert.False(limiter.TryAcquire("NotJson", out _));
    }
}
