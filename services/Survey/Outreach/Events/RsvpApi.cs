using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Storage;
using PatientExperience.Survey.Invitations;

namespace PatientExperience.Survey.Outreach.Events;

/// <summary><c>{"attending":true|false}</c>.</summary>
public sealed record RsvpRequest(bool? Attending);

/// <param name="Attending">The answer given with this link, or null while it has not been used.</param>
/// <param name="Open">Whether a yes can still be given (recruiting with seats left, not started, not cancelled).</param>
public sealed record RsvpView(OutreachEventKind Kind, string Topic, DateTimeOffset StartsAt, string Location, OutreachEventStatus Status, bool Open, bool? Attending);

/// <summary>
/// The public side of an outreach invitation: anonymous (the RSVP token is the credential) and rate-limited at the gateway.
/// An unknown or forged token is 404; a second answer 409; a yes when every seat is taken 409 (the event is full); a
/// cancelled event 409; an event that has started 410. None of them changes anything.
/// </summary>
public static class RsvpApi
{
    private const int MaxAttempts = 50;

    public static RouteGroupBuilder MapRsvpApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/outreach/rsvp").WithTags("Outreach RSVPs").AllowAnonymous();
        group.MapGet("/{token}", GetAsync).WithName("GetOutreachRsvp").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The event behind an RSVP link (kind, topic, start, location, whether it is open) and the answer given, if any.");
        group.MapPost("/{token}", AnswerAsync).WithName("AnswerOutreachRsvp")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status410Gone)
            .WithSummary("Answer an invitation to a focus group or community event, once: {\"attending\":true|false}. A yes when the event is full is a 409.");
        return api;
    }

    internal static async Task<Results<Ok<RsvpView>, ProblemHttpResult>> GetAsync(string token, OutreachEventStore store, TimeProvider clock, CancellationToken ct)
    {
        var invitation = await FindAsync(token, store, ct);
        var stored = invitation is null ? null : await store.GetAsync(invitation.EventId, ct);
        if (stored is null) return Unknown();
        var e = stored.Document;
        return TypedResults.Ok(View(e, invitation!, clock.GetUtcNow()));
    }

    internal static async Task<Results<Ok<RsvpView>, ValidationProblem, ProblemHttpResult>> AnswerAsync(
        string token, RsvpRequest body, OutreachEventStore store, TimeProvider clock, CancellationToken ct)
    {
        var invitation = await FindAsync(token, store, ct);
        if (invitation is null) return Unknown();
        if (body.Attending is not { } attending)
            return PatientExperience.ServiceDefaults.ProblemResults.Validation(new Dictionary<string, string[]> { ["attending"] = ["Required: true or false."] });

        // Many answers for the last seats arrive together: each is decided on the event as stored and written under the
        // version it read, so of two yeses for the last seat exactly one wins and the other reads again (and finds it full).
        for (var attempt = 1; ; attempt++)
        {
            var stored = await store.GetAsync(invitation.EventId, ct);
            if (stored is null) return Unknown();
            var now = clock.GetUtcNow();
            var (after, refusal) = stored.Document.Answer(invitation, attending, now);
            if (Refuse(refusal) is { } refused) return refused;
            try
            {
                await store.ReplaceAsync(after!, stored.Version, [], ct);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                continue;
            }

            SurveyTelemetry.OutreachRsvps.Add(1, new("facility", after!.FacilityId), new("attending", attending));
            return TypedResults.Ok(View(after, invitation, now));
        }
    }

    private static RsvpView View(OutreachEvent e, OutreachInvitation invitation, DateTimeOffset now) =>
        new(e.Kind, e.Topic, e.StartsAt, e.Location, e.Status, e.IsInviting(now), e.Rsvps.FirstOrDefault(r => r.InvitationId == invitation.Id)?.Attending);

    private static async Task<OutreachInvitation?> FindAsync(string token, OutreachEventStore store, CancellationToken ct) =>
        SurveyToken.IsWellFormed(token) ? (await store.FindInvitationByTokenHashAsync(SurveyToken.Hash(token), ct))?.Document : null;

    private static ProblemHttpResult Unknown() =>
        TypedResults.Problem("No invitation has this link.", statusCode: StatusCodes.Status404NotFound, title: "Not found.");

    private static ProblemHttpResult? Refuse(RsvpRefusal refusal) => refusal switch
    {
        RsvpRefusal.AlreadyAnswered => TypedResults.Problem("This invitation has been answered already; thank you. Nothing was changed.", statusCode: StatusCodes.Status409Conflict, title: "Already answered."),
        RsvpRefusal.Full => TypedResults.Problem("Every seat at this event is taken, so we cannot add you; thank you for wanting to come. Nothing was changed.", statusCode: StatusCodes.Status409Conflict, title: "The event is full."),
        RsvpRefusal.Cancelled => TypedResults.Problem("This event has been cancelled. Nothing was changed.", statusCode: StatusCodes.Status409Conflict, title: "Cancelled."),
        RsvpRefusal.Over => TypedResults.Problem("This event has already taken place. Nothing was changed.", statusCode: StatusCodes.Status410Gone, title: "Over."),
        _ => null,
    };
}
