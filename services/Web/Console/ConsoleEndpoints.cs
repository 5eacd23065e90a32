using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PatientExperience.Client;

namespace PatientExperience.Web.Console;

/// <summary>
/// The console's endpoints that are not pages: the identity provider's challenge, sign-out, and the dashboard's chart images and
/// CSV exports (the browser cannot call the API with the person's token, so these fetch through the generated client and stream).
/// </summary>
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

        var reports = console.MapGroup("/dashboard").RequireAuthorization(ConsoleAuth.Policy);
        reports.MapGet("/charts/{name}", async (string name, [AsParameters] DashboardFilters filters, IPlatformApiClient api, HttpContext http) =>
        {
            if (!DashboardQuery.IsChart(name)) return Results.NotFound();
            var query = filters.Query;
            if (query.Problem() is { } problem) return Results.Text(problem, "text/plain", statusCode: StatusCodes.Status400BadRequest);
            return await StreamAsync(http, () => api.GetChartAsync(name, facilityId: query.Facility, from: query.From, to: query.To,
                interval: name == "nps-trend" ? query.Interval : null, format: "svg", cancellationToken: http.RequestAborted), "image/svg+xml", fileName: null);
        });
        reports.MapGet("/export/kpis.csv", async ([AsParameters] DashboardFilters filters, IPlatformApiClient api, HttpContext http) =>
        {
            var query = filters.Query;
            if (query.Problem() is { } problem) return Results.Text(problem, "text/plain", statusCode: StatusCodes.Status400BadRequest);
            return await StreamAsync(http, () => api.GetKpisCsvAsync(facilityId: query.Facility, from: query.From, to: query.To, cancellationToken: http.RequestAborted),
                "text/csv", FileName("kpis", query));
        });
        reports.MapGet("/export/trend.csv", async ([AsParameters] DashboardFilters filters, IPlatformApiClient api, HttpContext http) =>
        {
            var query = filters.Query;
            if (query.Problem() is { } problem) return Results.Text(problem, "text/plain", statusCode: StatusCodes.Status400BadRequest);
            return await StreamAsync(http, () => api.GetKpiSeriesCsvAsync(facilityId: query.Facility, from: query.From, to: query.To,
                interval: query.Interval ?? "week", cancellationToken: http.RequestAborted), "text/csv", FileName("trend", query));
        });

        return console;
    }

    /// <summary>The query string of the dashboard's images and exports.</summary>
    internal readonly record struct DashboardFilters(string? Facility, string? From, string? To, string? Interval)
    {
        public DashboardQuery Query => new DashboardQuery(Facility, From, To, Interval).Normalised();
    }

    private static string FileName(string report, DashboardQuery query) =>
        string.Join("-", new[] { report, query.Facility ?? "all-facilities", query.From, query.To }.Where(s => s is not null)) + ".csv";

    /// <summary>
    /// Streams the API's answer (an image or a CSV file) to the browser; a refusal becomes its status with one sentence in words (never
    /// the API's raw answer). Nothing here is cached by the browser or a proxy: it is scoped to the person's token.
    /// </summary>
    private static async Task<IResult> StreamAsync(HttpContext http, Func<Task<FileResponse>> fetch, string fallbackType, string? fileName)
    {
        FileResponse file;
        try
        {
            file = await fetch();
        }
        catch (Exception e) when (ApiProblem.IsCallFailure(e))
        {
            var status = e is PlatformApiException api && api.StatusCode is >= 400 and < 600 ? api.StatusCode : StatusCodes.Status502BadGateway;
            return Results.Text(ApiProblem.Describe(e), "text/plain", statusCode: status);
        }

        http.Response.RegisterForDispose(file);
        http.Response.Headers.CacheControl = "no-store";
        var type = file.Headers.TryGetValue("Content-Type", out var types) && types.FirstOrDefault() is { Length: > 0 } t ? t : fallbackType;
        return Results.Stream(file.Stream, type, fileName);
    }
}
