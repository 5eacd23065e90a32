using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults.Time;

namespace PatientExperience.Case.Sla;

/// <summary>Turns a request into deadlines, naming each bad field (<c>acknowledge</c>, <c>severities.critical.response</c>...).</summary>
internal static class SlaPolicyParser
{
    private const string DurationHint = "an ISO 8601 duration such as P1D, PT8H or PT30S";

    public static SlaPolicyDraft? Parse(SlaPolicyRequest body, Dictionary<string, string[]> errors)
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
        return new SlaPolicyDraft(new SlaDeadlines(acknowledge, interim, response), severities);
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
