using PatientExperience.Client;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Web.Shared;

namespace PatientExperience.Web.Patient;

/// <summary>
/// What the feedback form posts (plain HTML form fields <c>Form.*</c>). The department and unit pickers list every facility's
/// entries (grouped), so their values carry the path: <c>facility/department</c> and <c>facility/department/unit</c>.
/// </summary>
public sealed class FeedbackForm
{
    public string? FacilityId { get; set; }
    public string? Department { get; set; }
    public string? Unit { get; set; }
    public string? Channel { get; set; }
    public string? Kind { get; set; }
    public string? Description { get; set; }
    public string? Name { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string? PreferredLanguage { get; set; }
    public bool ResponseRequested { get; set; }

    /// <summary>One per rendering of the form: a second submission of the same form (a double click, a retry) is the same concern.</summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>The channels a patient can send through (staff entry is the console's).</summary>
    public static readonly IReadOnlyList<FeedbackChannel> PatientChannels =
        [FeedbackChannel.Web, FeedbackChannel.Kiosk, FeedbackChannel.Phone, FeedbackChannel.Email, FeedbackChannel.Letter];

    public static readonly IReadOnlyList<FeedbackKind> Kinds = Wire.Values<FeedbackKind>();

    /// <summary>The languages offered for the reply, each named in its own language.</summary>
    public static readonly IReadOnlyList<(string Tag, string Name)> ReplyLanguages =
        [("en", "English"), ("es", "Español"), ("fr", "Français"), ("pt", "Português"), ("zh", "中文"), ("vi", "Tiếng Việt"), ("ar", "العربية")];

    /// <summary>The field ids in page order (the error summary follows it).</summary>
    public static readonly IReadOnlyList<string> FieldOrder =
        ["facility", "department", "unit", "kind", "channel", "description", "name", "email", "phone", "language", "response-requested"];

    public static bool IsWellFormedKey(string? key) =>
        key is { Length: >= 1 and <= 128 } && key.All(c => c is > ' ' and <= '~');

    /// <summary>The pickers' choices checked against each other; errors for choices that do not fit together.</summary>
    public (string? DepartmentId, string? UnitId) Place(FormErrors errors, PatientTexts t)
    {
        string? departmentId = null, unitId = null;
        if (!string.IsNullOrEmpty(Department))
        {
            var parts = Department.Split('/');
            if (parts.Length != 2 || parts[0] != FacilityId) errors.Add("department", t.ErrorDepartment);
            else departmentId = parts[1];
        }

        if (!string.IsNullOrEmpty(Unit))
        {
            var parts = Unit.Split('/');
            if (parts.Length != 3 || parts[0] != FacilityId || (departmentId is not null && parts[1] != departmentId)) errors.Add("unit", t.ErrorUnit);
            else
            {
                unitId = parts[2];
                departmentId ??= parts[1];
            }
        }

        return (departmentId, unitId);
    }

    public SubmitFeedbackRequest ToRequest(string? departmentId, string? unitId)
    {
        var anyDetail = !string.IsNullOrWhiteSpace(Name) || !string.IsNullOrWhiteSpace(Email) || !string.IsNullOrWhiteSpace(Phone);
        return new SubmitFeedbackRequest
        {
            FacilityId = Blank(FacilityId),
            DepartmentId = departmentId,
            UnitId = unitId,
            Channel = Blank(Channel),
            Kind = Blank(Kind),
            Description = Blank(Description),
            ResponseRequested = ResponseRequested,
            Patient = anyDetail || ResponseRequested || !string.IsNullOrEmpty(PreferredLanguage)
                ? new PatientDetails
                {
                    Name = Blank(Name)?.Trim(),
                    Email = Blank(Email)?.Trim(),
                    Phone = Blank(Phone)?.Trim(),
                    PreferredLanguage = Blank(PreferredLanguage),
                }
                : null,
        };
    }

    /// <summary>The API's field names (<c>patient.email</c>) as this form's field ids, with the patient-facing message.</summary>
    public static (string? FieldId, string Message) FieldOf(string apiField, string apiMessage, PatientTexts t) => apiField switch
    {
        "facilityId" => ("facility", t.ErrorFacility),
        "departmentId" => ("department", t.ErrorDepartment),
        "unitId" => ("unit", t.ErrorUnit),
        "channel" => ("channel", t.ErrorChannel),
        "kind" => ("kind", t.ErrorKind),
        "description" => ("description", t.ErrorDescription),
        "patient.name" => ("name", t.ErrorName),
        "patient.email" => ("email", t.ErrorEmail),
        "patient.phone" => ("phone", t.ErrorPhone),
        "patient.preferredLanguage" => ("language", t.ErrorLanguage),
        "responseRequested" => ("response-requested", t.ErrorResponse),
        _ => (null, apiMessage),
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
