using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.Case.Directory;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Sla;

/// <summary>
/// A new SLA policy for a facility. Durations are positive ISO 8601 durations (<c>P1D</c>, <c>PT8H</c>, <c>PT5S</c>) up to
/// <c>P3660D</c>. <see cref="Days"/> says how all three are counted (<c>calendar</c>, the default, or <c>business</c>);
/// <c>acknowledgeDays</c>, <c>interimNoticeDays</c> and <c>responseDays</c> override it for one deadline.
/// <see cref="Acknowledge"/> is also the time allowed at each escalation level before the case moves up.
/// </summary>
public sealed record SlaPolicyRequest
{
    public string? Acknowledge { get; init; }
    public string? InterimNotice { get; init; }
    public string? Response { get; init; }
    public string? Days { get; init; }
    public string? AcknowledgeDays { get; init; }
    public string? InterimNoticeDays { get; init; }
    public string? ResponseDays { get; init; }
    /// <summary>Overrides per severity (low, medium, high, critical): any field left out keeps the policy's value.</summary>
    public IReadOnlyDictionary<string, SlaSeverityRequest>? Severities { get; init; }
}

/// <summary>
/// A severity's deadlines. Each field is optional: a duration left out is the policy's; <see cref="Days"/> (or the
/// per-deadline <c>...Days</c>) here applies to this severity's deadlines, else each keeps the policy's counting.
/// </summary>
public sealed record SlaSeverityRequest
{
    public string? Acknowledge { get; init; }
    public string? InterimNotice { get; init; }
    public string? Response { get; init; }
    public string? Days { get; init; }
    public string? AcknowledgeDays { get; init; }
    public string? InterimNoticeDays { get; init; }
    public string? ResponseDays { get; init; }
}

/// <summary>A duration as the API shows it: <c>{"duration": "P1D", "days": "business"}</c>.</summary>
public sealed record SlaDurationView(string Duration, string Days)
{
    public static SlaDurationView From(SlaDuration d) => new(d.Iso, d.Days == SlaDays.Business ? "business" : "calendar");
}

public sealed record SlaDeadlinesView(SlaDurationView Acknowledge, SlaDurationView InterimNotice, SlaDurationView Response)
{
    public static SlaDeadlinesView From(SlaDeadlines d) => new(SlaDurationView.From(d.Acknowledge), SlaDurationView.From(d.InterimNotice), SlaDurationView.From(d.Response));
}

/// <summary>One version of a facility's SLA policy, with the deadlines in force at every severity.</summary>
public sealed record SlaPolicyView
{
    public required string FacilityId { get; init; }
    public required int Version { get; init; }
    /// <summary><c>facility</c> (set for the facility) or <c>profile-default</c> (version 0).</summary>
    public required string Source { get; init; }
    public string? RegulatoryProfile { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public string? CreatedBy { get; init; }
    /// <summary>The deadlines of severities without an override.</summary>
    public required SlaDeadlinesView Deadlines { get; init; }
    /// <summary>The deadlines in force at each severity (low, medium, high, critical).</summary>
    public required IReadOnlyDictionary<string, SlaDeadlinesView> Severities { get; init; }

    public static SlaPolicyView From(SlaPolicy p) => new()
    {
        FacilityId = p.FacilityId, Version = p.Version, Source = p.Source, RegulatoryProfile = p.RegulatoryProfile,
        CreatedAt = p.CreatedAt, CreatedBy = p.CreatedBy, Deadlines = SlaDeadlinesView.From(p.Deadlines),
        Severities = Wire.Values<Severity>().ToDictionary(s => s.ToWire(), s => SlaDeadlinesView.From(p.For(s)), StringComparer.Ordinal),
    };
}

public static class SlaPolicyApi
{
    public static readonly IReadOnlyList<StaffRole> EditorRoles = [StaffRole.Admin, StaffRole.PatientRelations];

    public static RouteGroupBuilder MapSlaPolicyApi(this RouteGroupBuilder api)
    {
        const string path = "/facilities/{facilityId}/sla-policy";
        api.MapGet(path, GetAsync).WithName("GetSlaPolicy").ProducesProblem(StatusCodes.Status403Forbidden).WithTags("SLA policies")
            .RequireAuthorization(AuthenticationExtensions.StaffPolicy)
            .WithSummary("The facility's current SLA policy, or ?version=N an older one (0: its regulatory profile's default). The ETag carries the version.");
        api.MapPut(path, PutAsync).WithName("PutSlaPolicy").ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed).WithTags("SLA policies")
            .RequireAuthorization(p => p.RequireRole(EditorRoles.ToClaims()))
            .WithSummary("Sets a new version of the facility's SLA policy (the same policy again changes nothing); cases keep the version they opened under. If-Match is optional (the version you read).");
        return api;
    }

    internal static async Task<Results<Ok<SlaPolicyView>, NotFound, ValidationProblem, ProblemHttpResult>> GetAsync(
        string facilityId, ClaimsPrincipal user, DirectoryStore directory, SlaPolicies policies, HttpContext http, CancellationToken ct, int? version = null)
    {
        if (!user.CanAccessFacility(facilityId)) return ProblemResults.Forbidden("Your access does not cover this facility.");
        if (version is < 0) return ProblemResults.Validation(new Dictionary<string, string[]> { ["version"] = ["Must be 0 or more."] });
        if (await directory.GetAsync(facilityId, ct) is null) return TypedResults.NotFound();
        SlaPolicy policy;
        try
        {
            policy = version is { } n ? await policies.VersionAsync(facilityId, n, ct) : await policies.CurrentAsync(facilityId, ct);
        }
        catch (KeyNotFoundException)
        {
            return TypedResults.NotFound();
        }

        EntityTags.Set(http, policy.Version);
        return TypedResults.Ok(SlaPolicyView.From(policy));
    }

    internal static async Task<Results<Ok<SlaPolicyView>, NotFound, ValidationProblem, ProblemHttpResult>> PutAsync(
        string facilityId, SlaPolicyRequest body, ClaimsPrincipal user, DirectoryStore directory, SlaPolicyStore store, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        if (!user.CanAccessFacility(facilityId)) return ProblemResults.Forbidden("Your access does not cover this facility.");
        if (!EntityTags.TryReadIfMatch(http.Request, out var ifMatch)) return EntityTags.InvalidIfMatch();
        if (await directory.GetAsync(facilityId, ct) is null) return TypedResults.NotFound();

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var parsed = SlaPolicyParser.Parse(body, errors);
        if (errors.Count > 0 || parsed is null) return ProblemResults.Validation(errors);

        // Versions are only ever added: a concurrent writer takes the next number and this one the one after, unless the
        // caller said which version it meant to replace.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var latest = await store.LatestAsync(facilityId, ct);
            var current = latest?.Version ?? 0;
            if (ifMatch is { } expected && expected != current) return EntityTags.Stale();
            if (latest is not null && latest.Deadlines == parsed.Value.Deadlines && SameSeverities(latest.Severities, parsed.Value.Severities))
            {
                // Nothing changes, so no new version: sending the same policy again (a retry) is idempotent.
                EntityTags.Set(http, latest.Version);
                return TypedResults.Ok(SlaPolicyView.From(latest.ToPolicy()));
            }

            var document = new SlaPolicyDocument
            {
                FacilityId = facilityId, Version = current + 1, CreatedAt = clock.GetUtcNow(), CreatedBy = user.PersonId(),
                Deadlines = parsed.Value.Deadlines, Severities = parsed.Value.Severities,
            };
            if (await store.TryAddAsync(document, ct))
            {
                EntityTags.Set(http, document.Version);
                return TypedResults.Ok(SlaPolicyView.From(document.ToPolicy()));
            }

            if (ifMatch is not null) return EntityTags.Stale();
        }

        return EntityTags.Conflict("The policy is being changed by others at the same time; retry. Nothing was changed.");
    }

    private static bool SameSeverities(IReadOnlyDictionary<Severity, SlaDeadlines> a, IReadOnlyDictionary<Severity, SlaDeadlines> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && other == kv.Value);
}

/// <summary>Turns a request into deadlines, naming each bad field (<c>acknowledge</c>, <c>severities.critical.response</c>...).</summary>
internal static class SlaPolicyParser
{
    private const string DurationHint = "an ISO 8601 duration such as P1D, PT8H or PT30S";

    public static (SlaDeadlines Deadlines, Dictionary<Severity, SlaDeadlines> Severities)? Parse(SlaPolicyRequest body, Dictionary<string, string[]> errors)
    {
        var days = DaysOf("days", body.Days, errors) ?? SlaDays.Calendar;
        var acknowledge = Duration("acknowledge", body.Acknowledge, DaysOf("acknowledgeDays", body.AcknowledgeDays, errors) ?? days, required: true, errors);
        var interim = Duration("interimNotice", body.InterimNotice, DaysOf("interimNoticeDays", body.InterimNoticeDays, errors) ?? days, required: true, errors);
        var response = Duration("response", body.Response, DaysOf("responseDays", body.ResponseDays, errors) ?? days, required: true, errors);

        var severities = new Dictionary<Severity, SlaDeadlines>();
        foreach (var (name, o) in body.Severities ?? new Dictionary<string, SlaSeverityRequest>())
        {
            var field = $"severities.{name}";
            if (!Wire.TryParse<Severity>(name, out var severity))
            {
                errors[field] = [$"Unknown severity: use {string.Join(", ", Wire.All<Severity>())}."];
                continue;
            }

            if (o is null)
            {
                errors[field] = ["Must be an object of deadlines."];
                continue;
            }

            if (acknowledge is null || interim is null || response is null) continue; // the base is wrong: reported already
            var overrideDays = DaysOf(field + ".days", o.Days, errors);
            var a = Override(field, "acknowledge", o.Acknowledge, DaysOf(field + ".acknowledgeDays", o.AcknowledgeDays, errors) ?? overrideDays, acknowledge, errors);
            var i = Override(field, "interimNotice", o.InterimNotice, DaysOf(field + ".interimNoticeDays", o.InterimNoticeDays, errors) ?? overrideDays, interim, errors);
            var r = Override(field, "response", o.Response, DaysOf(field + ".responseDays", o.ResponseDays, errors) ?? overrideDays, response, errors);
            if (a is not null && i is not null && r is not null) severities[severity] = new SlaDeadlines(a, i, r);
        }

        if (errors.Count > 0 || acknowledge is null || interim is null || response is null) return null;
        return (new SlaDeadlines(acknowledge, interim, response), severities);
    }

    private static SlaDuration? Override(string prefix, string name, string? text, SlaDays? days, SlaDuration inherited, Dictionary<string, string[]> errors) =>
        text is null
            ? new SlaDuration(inherited.Length, days ?? inherited.Days)
            : Duration($"{prefix}.{name}", text, days ?? inherited.Days, required: true, errors);

    private static SlaDays? DaysOf(string field, string? text, Dictionary<string, string[]> errors)
    {
        switch (text)
        {
            case null: return null;
            case "calendar": return SlaDays.Calendar;
            case "business": return SlaDays.Business;
            default:
                errors[field] = ["Must be calendar or business."];
                return null;
        }
    }

    private static SlaDuration? Duration(string field, string? text, SlaDays days, bool required, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            if (required) errors[field] = [$"Required: {DurationHint}."];
            return null;
        }

        if (!IsoDuration.TryParse(text, out var length))
        {
            errors[field] = [$"Must be {DurationHint}."];
            return null;
        }

        if (length <= TimeSpan.Zero)
        {
            errors[field] = ["Must be longer than zero."];
            return null;
        }

        if (length > SlaDuration.Max)
        {
            errors[field] = ["Must be at most P3660D."];
            return null;
        }

        return new SlaDuration(length, days);
    }
}
