using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Http;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Gateway.DevTokens;

public sealed record DevToken(string AccessToken, string TokenType, int ExpiresIn);

/// <summary>
/// Development only: a signed token for any role (a staff role, or <c>integration</c> for the EHR feed) and facility scope, so a
/// newcomer can call the staff API, or post FHIR as the EHR would, at once.
/// Never mapped outside the Development environment, and answered to callers on this machine only.
/// </summary>
public static class DevTokenEndpoint
{
    public static void MapDevTokenEndpoint(this IEndpointRouteBuilder app) =>
        app.MapGet("/dev/token", Issue)
            .AllowAnonymous()
            .RequireLoopback()
            .WithTags("Development")
            .WithSummary("Development only: a bearer token for a role and facility ('*' for all; several separated by commas), for the person 'sub' (default dev-<role>).");

    internal static Results<Ok<DevToken>, ValidationProblem> Issue(IOptions<AuthOptions> auth, IOptions<GatewayOptions> gateway, TimeProvider clock, string role = "patient-relations", string facility = "*", string? sub = null)
    {
        // Staff roles, or 'integration' for a system feeding the platform (the EHR's FHIR discharge feed).
        if (!PlatformClaims.Roles.Contains(role) && role != PlatformClaims.IntegrationRole)
            return ProblemResults.Validation(new Dictionary<string, string[]> { ["role"] = ["Must be one of: " + string.Join(", ", PlatformClaims.Roles.Append(PlatformClaims.IntegrationRole)) + "."] });
        var facilities = facility.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (facilities.Length == 0)
            return ProblemResults.Validation(new Dictionary<string, string[]> { ["facility"] = ["Give a facility id, several separated by commas, or '*'."] });

        // A person of the directory (e.g. rg-emergency-head) to act as, so their own inbox and preferences can be tried.
        if (sub is not null && (sub.Length is 0 or > 64 || !sub.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            return ProblemResults.Validation(new Dictionary<string, string[]> { ["sub"] = ["1-64 letters, digits, '-', '_' or '.'."] });

        var minutes = gateway.Value.DevTokenMinutes;
        var token = SymmetricTokenIssuer.Issue(auth.Value, sub ?? $"dev-{role}", role, facilities, clock.GetUtcNow(), TimeSpan.FromMinutes(minutes));
        return TypedResults.Ok(new DevToken(token, "Bearer", minutes * 60));
    }
}
