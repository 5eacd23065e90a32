using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Web.Console;

/// <summary>Who is signed in to the console on this request (the console's cookie, whatever the host's default scheme is).</summary>
public sealed class ConsoleSession(IHttpContextAccessor http)
{
    private ClaimsPrincipal? _user;

    public async Task<ClaimsPrincipal> UserAsync()
    {
        if (_user is not null) return _user;
        var result = http.HttpContext is { } context ? await context.AuthenticateAsync(ConsoleAuth.CookieScheme) : AuthenticateResult.NoResult();
        return _user = result.Principal ?? new ClaimsPrincipal(new ClaimsIdentity());
    }

    public static string PersonId(ClaimsPrincipal user) => user.FindFirst("sub")?.Value ?? "";

    public static IReadOnlyList<string> Roles(ClaimsPrincipal user) => user.FindAll(PlatformClaims.Role).Select(c => c.Value).ToList();

    public static IReadOnlyList<string> Facilities(ClaimsPrincipal user) => user.FindAll(PlatformClaims.Facility).Select(c => c.Value).ToList();
}
