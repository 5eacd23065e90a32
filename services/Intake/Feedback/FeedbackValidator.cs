using System.Globalization;
using System.Net.Mail;
using Microsoft.Extensions.Options;
using PatientExperience.Intake.Facilities;
using PatientExperience.ServiceDefaults.Text;

namespace PatientExperience.Intake.Feedback;

/// <summary>
/// Strict validation of a submission. Messages name the field and the rule, never the value given (values can be PHI).
/// </summary>
public sealed class FeedbackValidator(IOptions<IntakeOptions> options)
{
    private const int NameMax = 200;
    private const int ShortMax = 64;

    public Dictionary<string, string[]> Validate(SubmitFeedbackRequest request, FacilityInfo? facility, bool facilityKnown)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
        }

        if (string.IsNullOrWhiteSpace(request.FacilityId)) Add("facilityId", "A facility is required.");
        else if (!facilityKnown || facility is null) Add("facilityId", "Unknown facility.");
        else
        {
            var department = request.DepartmentId is null ? null : facility.Departments.FirstOrDefault(d => d.Id == request.DepartmentId);
            if (request.DepartmentId is not null && department is null) Add("departmentId", "Unknown department for this facility.");
            if (request.UnitId is not null)
            {
                var unit = facility.Departments.SelectMany(d => d.Units.Select(u => (Department: d, Unit: u))).FirstOrDefault(x => x.Unit.Id == request.UnitId);
                if (unit.Unit is null) Add("unitId", "Unknown unit for this facility.");
                else if (department is not null && unit.Department.Id != department.Id) Add("unitId", "The unit does not belong to the department given.");
            }
        }

        if (string.IsNullOrWhiteSpace(request.Channel)) Add("channel", "A channel is required: " + string.Join(", ", FeedbackVocabulary.Channels) + ".");
        else if (!FeedbackVocabulary.Channels.Contains(request.Channel)) Add("channel", "Must be one of: " + string.Join(", ", FeedbackVocabulary.Channels) + ".");

        if (request.Kind is not null && !FeedbackVocabulary.Kinds.Contains(request.Kind))
            Add("kind", "Must be one of: " + string.Join(", ", FeedbackVocabulary.Kinds) + ".");

        var max = options.Value.MaxDescriptionLength;
        if (string.IsNullOrWhiteSpace(request.Description)) Add("description", "A description of the concern is required.");
        else if (request.Description.Length > max) Add("description", $"Must be at most {max} characters.");
        else if (FreeText.Problem(request.Description) is { } unsafeText) Add("description", unsafeText);

        if (request.Patient is { } p)
        {
            CheckLength(p.Mrn, "patient.mrn", ShortMax, Add);
            CheckLength(p.Name, "patient.name", NameMax, Add);
            CheckEmail(p.Email, "patient.email", Add);
            CheckPhone(p.Phone, "patient.phone", Add);
            if (p.PreferredLanguage is not null && !IsLanguageTag(p.PreferredLanguage)) Add("patient.preferredLanguage", "Must be a language tag such as en, es or en-GB.");
        }

        if (request.Submitter is { } s)
        {
            CheckLength(s.Name, "submitter.name", NameMax, Add);
            CheckEmail(s.Email, "submitter.email", Add);
            CheckPhone(s.Phone, "submitter.phone", Add);
            if (s.Relationship is not null && !FeedbackVocabulary.Relationships.Contains(s.Relationship))
                Add("submitter.relationship", "Must be one of: " + string.Join(", ", FeedbackVocabulary.Relationships) + ".");
        }

        if (request.ResponseRequested && !HasContact(request))
            Add("responseRequested", "A response was requested but no email or phone number was given to respond to.");

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    private static bool HasContact(SubmitFeedbackRequest r) =>
        !string.IsNullOrWhiteSpace(r.Patient?.Email) || !string.IsNullOrWhiteSpace(r.Patient?.Phone)
        || !string.IsNullOrWhiteSpace(r.Submitter?.Email) || !string.IsNullOrWhiteSpace(r.Submitter?.Phone);

    private static void CheckLength(string? value, string field, int max, Action<string, string> add)
    {
        if (value is not null && (value.Length > max || string.IsNullOrWhiteSpace(value))) add(field, $"Must be 1 to {max} characters when given.");
        else if (FreeText.Problem(value, multiLine: false) is { } unsafeText) add(field, unsafeText);
    }

    private static void CheckEmail(string? value, string field, Action<string, string> add)
    {
        if (value is null) return;
        if (value.Length > 254 || !MailAddress.TryCreate(value, out var parsed) || parsed.Address != value) add(field, "Must be a valid email address.");
    }

    private static void CheckPhone(string? value, string field, Action<string, string> add)
    {
        if (value is null) return;
        var digits = value.Count(char.IsAsciiDigit);
        if (value.Length > 32 || digits < 6 || value.Any(c => !(char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '(' or ')' or '.')))
            add(field, "Must be a phone number of digits, spaces and + - ( ) .");
    }

    private static bool IsLanguageTag(string tag)
    {
        if (tag.Length is < 2 or > 35 || tag.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-'))) return false;
        try { return !CultureInfo.GetCultureInfo(tag).Equals(CultureInfo.InvariantCulture); }
        catch (CultureNotFoundException) { return false; }
    }
}
