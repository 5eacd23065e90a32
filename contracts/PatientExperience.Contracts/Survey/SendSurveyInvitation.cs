namespace PatientExperience.Contracts.Survey;

/// <summary>
/// Asks the notification service to deliver a survey invitation (or a reminder) to a discharged patient. Sent by the survey
/// service when an invitation or reminder falls due; sent twice with the same <see cref="MessageId"/>, it delivers once.
/// The notification service reads the patient's contact from intake over gRPC by <see cref="DischargeId"/> (email, else
/// SMS) and renders the invitation in <see cref="Language"/>.
/// <para>
/// <see cref="Link"/> holds the single-use token, a bearer secret: it travels only in this command, is never logged,
/// traced or stored in clear by the notification service beyond the delivery itself.
/// </para>
/// </summary>
public sealed record SendSurveyInvitation
{
    /// <summary>Chosen by the survey service: one per invitation or reminder; the idempotency key of the request.</summary>
    public required Guid MessageId { get; init; }
    public required Guid InvitationId { get; init; }
    public required Guid DischargeId { get; init; }
    public required string FacilityId { get; init; }
    /// <summary>BCP-47; the notification service falls back to English for a language it has no template in.</summary>
    public required string Language { get; init; }
    /// <summary>0 for the invitation, 1, 2, ... for each reminder.</summary>
    public required int Reminder { get; init; }
    /// <summary><c>{Survey:PublicBaseUrl}/surveys/{token}</c>.</summary>
    public required string Link { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
}
