using PatientExperience.Case.Organisation;

namespace PatientExperience.Case.Advocacy;

/// <summary>An advocate as matching sees them: the languages they speak, their capacity, their leave and their open cases now.</summary>
public sealed record AdvocateCandidate(string Id, IReadOnlyList<string> Languages, int? Capacity, LeavePeriod? OnLeave, int OpenCases)
{
    public static AdvocateCandidate From(Person p, int openCases) => new(p.Id, p.Languages, p.Capacity, p.OnLeave, openCases);

    public bool IsOnLeave(DateTimeOffset at) => OnLeave?.Includes(at) == true;

    /// <summary>Room for one more case (no capacity set: always).</summary>
    public bool HasRoom => Capacity is not { } c || OpenCases < c;

    public bool Speaks(string language) => Languages.Any(l => LanguageTag.SameLanguage(l, language));
}

/// <param name="PreferredLanguage">The patient's language tag, when they gave one.</param>
/// <param name="PreviousAdvocateId">The advocate of the same patient's most recent earlier case (same patient reference), if any.</param>
/// <param name="Excluding">An advocate not to choose (the one a case is being taken from).</param>
public sealed record MatchRequest(string? PreferredLanguage, string? PreviousAdvocateId = null, string? Excluding = null);

/// <summary>The advocate chosen (null: nobody is available) and why, in words fit for the case timeline (no patient details).</summary>
public sealed record AdvocateMatch(string? AdvocateId, string Reason);

/// <summary>
/// Chooses the advocate for a case. Only advocates who are not on leave and have room under their capacity are considered.
/// The advocate of the patient's earlier case is kept when they are among them. Otherwise, when any of them speaks the
/// patient's language, the choice is among those; then the least loaded (fewest open cases, then the most room left, then
/// the id, so equal advocates take turns and the choice is repeatable). Taking cases one at a time, advocates of equal
/// capacity never differ by more than one open case.
/// </summary>
public static class AdvocateMatcher
{
    public static AdvocateMatch Choose(IReadOnlyList<AdvocateCandidate> advocates, MatchRequest request, DateTimeOffset now)
    {
        var eligible = advocates.Where(a => a.Id != request.Excluding && !a.IsOnLeave(now) && a.HasRoom).ToList();
        if (eligible.Count == 0)
            return new AdvocateMatch(null, advocates.Count == 0
                ? "No advocate covers the facility."
                : "No advocate is available: every advocate of the facility is on leave or at capacity.");

        if (request.PreviousAdvocateId is { } previous && eligible.FirstOrDefault(a => a.Id == previous) is { } same)
            return new AdvocateMatch(same.Id, $"Returning patient: kept the advocate of their earlier case ({Load(same)}).");

        var language = LanguageTag.LanguageOf(request.PreferredLanguage);
        string because;
        var pool = eligible;
        if (language is null)
        {
            because = "No preferred language given";
        }
        else if (eligible.Where(a => a.Speaks(language)).ToList() is { Count: > 0 } speakers)
        {
            pool = speakers;
            because = $"Speaks the patient's language ({language})";
        }
        else
        {
            because = $"No available advocate speaks the patient's language ({language})";
        }

        var chosen = pool
            .OrderBy(a => a.OpenCases)
            .ThenByDescending(a => a.Capacity is { } c ? c - a.OpenCases : int.MaxValue)
            .ThenBy(a => a.Id, StringComparer.Ordinal)
            .First();
        return new AdvocateMatch(chosen.Id, $"{because}; least loaded of {pool.Count} available ({Load(chosen)}).");
    }

    private static string Load(AdvocateCandidate a) =>
        a.Capacity is { } c ? $"{a.OpenCases} of {c} open cases" : $"{a.OpenCases} open cases";
}
