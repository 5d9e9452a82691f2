using System.Globalization;
using System.Net;
using System.Security.Claims;
using IplsCore.Control;
using IplsCore.Logging;
using IplsWeb.Fleet;
using IplsWeb.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace IplsWeb.Hosting;

/// <summary>Cookie sign-in with the configured admin password (only when the dashboard is reachable off loopback).</summary>
public static class SignInEndpoints
{
    /// <summary>Service key of the sign-in door's own <see cref="AuthThrottle"/> (the broker has another).</summary>
    public const string ThrottleKey = "sign-in";

    /// <summary>
    /// A path on this site: "/" then anything but a second "/" or "\" (browsers read "/\host" as
    /// "//host", another site) and no control characters. Anything else sends the user to "/".
    /// </summary>
    public static bool IsLocalPath(string? url) =>
        url is { Length: > 0 } && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);

    public static void MapSignIn(this WebApplication app, DashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        var reports = new RateLimiter(app.Services.GetRequiredService<TimeProvider>(), TimeSpan.FromMinutes(1));
        app.MapPost("/auth/login", async (HttpContext http, [FromForm] string? password, [FromForm] string? returnUrl, FleetState fleet, [FromKeyedServices(ThrottleKey)] AuthThrottle throttle) =>
        {
            string target = IsLocalPath(returnUrl) ? returnUrl! : "/";
            var source = http.Connection.RemoteIpAddress;
            var verdict = throttle.Attempt(source, () => SecretComparer.Matches(options.AdminPassword, password), out bool verified, out int failures);
            if (!verdict.IsAllowed)
            {
                // Not checked at all while the address waits: guessing faster gains nothing.
                Report(fleet, reports, source, $"{verdict.State.ToString().ToLowerInvariant()}, next attempt in {Math.Ceiling(verdict.RetryAfter.TotalSeconds)} s");
                http.Response.Headers.RetryAfter = Math.Ceiling(verdict.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                return Results.Redirect($"/login?failed=2&retryAfter={Math.Ceiling(verdict.RetryAfter.TotalSeconds)}&returnUrl=" + Uri.EscapeDataString(target));
            }

            if (!verified)
            {
                Report(fleet, reports, source, $"wrong password ({failures} failure(s) from this address)");
                await Task.Delay(TimeSpan.FromMilliseconds(500)).ConfigureAwait(false); // slows a single guesser further
                return Results.Redirect("/login?failed=1&returnUrl=" + Uri.EscapeDataString(target));
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin")], CookieAuthenticationDefaults.AuthenticationScheme);
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity)).ConfigureAwait(false);
            return Results.LocalRedirect(target);
        }).AllowAnonymous();
        app.MapPost("/auth/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
            return Results.Redirect("/login");
        });
    }

    private static void Report(FleetState fleet, RateLimiter reports, IPAddress? source, string reason)
    {
        string from = source?.ToString() ?? "?";
        if (reports.TryAcquire(from, out long suppressed))
        {
            fleet.Raise(FleetEventKind.Rejected, "sign-in", suppressed > 0 ? $"{suppressed + 1} sign-ins refused from {from} within a minute; latest: {reason}" : $"sign-in refused from {from}: {reason}");
        }
    }
}
