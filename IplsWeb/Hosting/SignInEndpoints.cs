using System.Security.Claims;
using IplsCore.Control;
using IplsWeb.Fleet;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace IplsWeb.Hosting;

/// <summary>Cookie sign-in with the configured admin password (only when the dashboard is reachable off loopback).</summary>
public static class SignInEndpoints
{
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
        app.MapPost("/auth/login", async (HttpContext http, [FromForm] string? password, [FromForm] string? returnUrl, FleetState fleet) =>
        {
            string target = IsLocalPath(returnUrl) ? returnUrl! : "/";
            if (!SecretComparer.Matches(options.AdminPassword, password))
            {
                fleet.Raise(FleetEventKind.Rejected, "sign-in", $"wrong password from {http.Connection.RemoteIpAddress}");
                await Task.Delay(TimeSpan.FromMilliseconds(500)).ConfigureAwait(false); // slows guessing
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
}
