using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Case.Organisation;

/// <summary>One person a level reaches, as staff may see them: no email, phone or pager.</summary>
public sealed record OnCallPersonView(string PersonId, string Name, string? Title, string Role, DateTimeOffset? OnLeaveUntil);

/// <summary>
/// Who a case at one place reaches: each escalation level, and who triages a critical concern from an anonymous channel, with
/// <see cref="TriageFrom"/> saying whether the facility's triage rota named them (<c>rota</c>: who is on duty now) or the
/// fallback did (<c>fallback</c>: no rota, or nobody on it on duty now, so everyone with the patient-relations role covering
/// the place).
/// </summary>
public sealed record OnCallLevelsView(
    IReadOnlyList<OnCallPersonView> Unit, IReadOnlyList<OnCallPersonView> Department, IReadOnlyList<OnCallPersonView> Executive,
    IReadOnlyList<OnCallPersonView> Triage, TriageSource TriageFrom);

public sealed record OnCallUnitView(string UnitId, string Name, OnCallLevelsView Reached);

public sealed record OnCallDepartmentView(string DepartmentId, string Name, OnCallLevelsView Reached, IReadOnlyList<OnCallUnitView> Units);

/// <summary>A weekly shift of the facility's triage rota: the days it starts on, local start and end (HH:mm), who is on it.</summary>
public sealed record OnCallShiftView(string? Name, IReadOnlyList<Weekday> Days, string Start, string End, IReadOnlyList<OnCallPersonView> People);

/// <summary>
/// A facility's on-call view: who each place reaches now, resolved by the escalation saga's own rules, and the weekly shifts of
/// its triage rota (empty when it has none) on the facility's clock (<see cref="TimeZone"/>).
/// </summary>
public sealed record OnCallView(
    string FacilityId, string FacilityName, string TimeZone, DateTimeOffset At, OnCallPersonView? Compliance,
    OnCallLevelsView Facility, IReadOnlyList<OnCallDepartmentView> Departments, IReadOnlyList<OnCallShiftView> TriageShifts);

/// <summary>
/// Who is on call: for every department and unit of a facility, the people each escalation level reaches right now (the
/// chain, the role-holders covering the place and the fallbacks, exactly as the saga resolves them), and who triages an
/// anonymous critical concern. For every staff role of the facility (<see cref="Permission.ReadOnCall"/>), where the
/// escalation chain itself (ids, overrides) is for administrators; names, titles, roles and leave, never contact details.
/// </summary>
public static class OnCallApi
{
    public static RouteGroupBuilder MapOnCallApi(this RouteGroupBuilder api)
    {
        api.MapGet("/facilities/{facilityId}/on-call", GetAsync).WithTags("Directory").WithName("GetOnCall")
            .RequireAuthorization(AuthenticationExtensions.StaffPolicy)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Who each escalation level and the critical-concern triage (the triage rota's people on duty now, or the fallback) reach now at every department and unit of a facility: names, titles and roles, no contact details.");
        return api;
    }

    internal static async Task<Results<Ok<OnCallView>, NotFound, ProblemHttpResult>> GetAsync(
        string facilityId, ClaimsPrincipal user, EscalationDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        if (!user.Has(Permission.ReadOnCall)) return ProblemResults.Forbidden("Who is on call is for the staff who handle cases; analysts read reports.");
        if (!user.CanAccessFacility(facilityId)) return ProblemResults.Forbidden("Your access does not cover this facility.");
        var now = clock.GetUtcNow();
        if (await directory.RosterAsync(facilityId, now, ct) is not { } roster) return TypedResults.NotFound();

        OnCallPersonView Person(StaffRecipient r)
        {
            var leave = roster.Person(r.PersonId)?.OnLeave;
            return new OnCallPersonView(r.PersonId, r.Name, roster.Person(r.PersonId)?.Title, r.Role, leave is not null && leave.Includes(now) ? leave.To : null);
        }

        OnCallLevelsView Levels(PlaceRoster p) =>
            new([.. p.Unit.Select(Person)], [.. p.Department.Select(Person)], [.. p.Executive.Select(Person)], [.. p.Triage.Select(Person)], p.TriageFrom);

        OnCallShiftView Shift(TriageShift s) => new(
            s.Name, s.Days, s.Start.ToString("HH:mm", CultureInfo.InvariantCulture), s.End.ToString("HH:mm", CultureInfo.InvariantCulture),
            [.. s.People.Select(roster.Person).OfType<Person>()
                .Select(p => Person(EscalationDirectory.ToRecipient(p, EscalationDirectory.TriageRoleOf(p) is { } role ? role.ToClaim() : p.Roles.FirstOrDefault() ?? "staff")))]);

        var f = roster.Facility;
        return TypedResults.Ok(new OnCallView(
            f.Id, f.Name, f.TimeZone, now, roster.Reached.Compliance is { } c ? Person(c) : null, Levels(roster.Reached),
            [.. roster.Departments.Select(d => new OnCallDepartmentView(d.Department.Id, d.Department.Name, Levels(d.Reached),
                [.. d.Units.Select(u => new OnCallUnitView(u.Unit.Id, u.Unit.Name, Levels(u.Reached)))]))],
            [.. (roster.Rota?.Shifts ?? []).Select(Shift)]));
    }
}
