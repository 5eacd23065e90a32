using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace PatientExperience.Web.Console;

/// <summary>The console's endpoints that are not pages: the identity provider's challenge and sign-out.</summary>
public static class ConsoleEndpoints
{
    public static RouteGroupBuilder MapConsoleEndpoints(this IEndpointRouteBuilder app)
    {
        var console = app.MapGroup("/console").ExcludeFromDescription();

        console.MapGet("/sign-in/oidc", (IOptions<ConsoleOptions> options, string? returnUrl) =>
            options.Value.Oidc.Enabled
                ? Results.Challenge(new AuthenticationProperties { RedirectUri = ConsoleAuth.SafeReturnUrl(returnUrl) }, [ConsoleAuth.OidcScheme])
                : Results.NotFound());

        // A form post (antiforgery checked): ends the console session, and the identity provider's when it was used.
        console.MapPost("/sign-out", async (HttpContext http, IOptions<ConsoleOptions> options, [FromForm] string? returnUrl) =>
        {
            var session = await http.AuthenticateAsync(ConsoleAuth.CookieScheme);
            await http.SignOutAsync(ConsoleAuth.CookieScheme);
            if (options.Value.Oidc.Enabled && session.Principal?.FindFirst("amr")?.Value != "dev-token" && session.Succeeded)
                return Results.SignOut(new AuthenticationProperties { RedirectUri = ConsoleAuth.SignInPath }, [ConsoleAuth.OidcScheme]);
            return Results.Redirect(ConsoleAuth.SignInPath);
        }).RequireAuthorization(ConsoleAuth.Policy); // the session's user, so the form's antiforgery token (issued to them) validates

        return console;
    }
}
