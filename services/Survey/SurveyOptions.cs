using System.ComponentModel.DataAnnotations;

namespace PatientExperience.Survey;

/// <summary>Bound from <c>Survey</c>; validated at start-up.</summary>
public sealed class SurveyOptions : IValidatableObject
{
    public const string Section = "Survey";

    /// <summary>Where patients open surveys: invitations link to <c>{PublicBaseUrl}/surveys/{token}</c> (the gateway's patient pages).</summary>
    [Required(ErrorMessage = "Survey:PublicBaseUrl is required (invitations link to {PublicBaseUrl}/surveys/{token}).")]
    [Url(ErrorMessage = "Survey:PublicBaseUrl must be an absolute URL.")]
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>Install the shipped templates (an HCAHPS-style inpatient survey and an NPS survey) on first start.</summary>
    public bool SeedTemplates { get; set; } = true;

    /// <summary>
    /// The survey a facility uses when no published definition is assigned to it; must be one of the definitions (the shipped
    /// inpatient template by default).
    /// </summary>
    [Required]
    public string DefaultSurveyId { get; set; } = Definitions.SurveyTemplates.InpatientId;

    /// <summary>Focus groups and community events: how many respondents one event may invite at most.</summary>
    public OutreachOptions Outreach { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Outreach.MaxInvitationsPerEvent is < 1 or > OutreachOptions.MaxInvitationsLimit)
            yield return new ValidationResult($"Survey:Outreach:MaxInvitationsPerEvent must be 1 to {OutreachOptions.MaxInvitationsLimit}.", ["Outreach.MaxInvitationsPerEvent"]);
        if (Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var url) && url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            yield return new ValidationResult("Survey:PublicBaseUrl must be an http or https URL.", [nameof(PublicBaseUrl)]);
        if (!string.IsNullOrEmpty(url?.Query) || !string.IsNullOrEmpty(url?.Fragment))
            yield return new ValidationResult("Survey:PublicBaseUrl must not have a query or fragment.", [nameof(PublicBaseUrl)]);
    }

    /// <summary>The link in an invitation.</summary>
    public string LinkFor(string token) => $"{PublicBaseUrl.TrimEnd('/')}/surveys/{token}";

    /// <summary>The RSVP link in an outreach invitation.</summary>
    public string RsvpLinkFor(string token) => $"{PublicBaseUrl.TrimEnd('/')}/outreach/rsvp/{token}";
}

/// <summary>Bound from <c>Survey:Outreach</c>.</summary>
public sealed class OutreachOptions
{
    public const int MaxInvitationsLimit = 5000;

    /// <summary>The most respondents one event invites, however many match (default 500).</summary>
    public int MaxInvitationsPerEvent { get; set; } = 500;
}
