using Microsoft.AspNetCore.Components;

namespace IplsWeb.Components.Pages;

/// <summary>The sign-in form (off loopback only); the form posts to /auth/login, which redirects back here with the outcome.</summary>
public sealed partial class Login
{
    [SupplyParameterFromQuery]
    public string? ReturnUrl { get; set; }

    /// <summary>1: wrong password; 2: this address is throttled for <see cref="RetryAfter"/> seconds.</summary>
    [SupplyParameterFromQuery]
    public int? Failed { get; set; }

    [SupplyParameterFromQuery]
    public int? RetryAfter { get; set; }
}
