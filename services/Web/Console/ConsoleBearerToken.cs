using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authentication;

namespace PatientExperience.Web.Console;

/// <summary>
/// Sends the signed-in person's access token as Bearer with every call a console page makes through the generated client. Only
/// for requests to the console: a patient page never carries a staff token, even in a browser where staff are signed in.
/// </summary>
internal sealed class ConsoleBearerToken(IHttpContextAccessor http) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (http.HttpContext is { } context && context.Request.Path.StartsWithSegments("/console"))
        {
            var session = await context.AuthenticateAsync(ConsoleAuth.CookieScheme);
            if (session.Properties?.GetTokenValue(ConsoleAuth.AccessTokenName) is { Length: > 0 } token)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
