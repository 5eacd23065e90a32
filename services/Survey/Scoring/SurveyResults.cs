using PatientExperience.Survey.Invitations;

namespace PatientExperience.Survey.Scoring;

public sealed record NpsResult(double Score, long Promoters, long Passives, long Detractors, long N);

public sealed record CompositeResult(string Id, double TopBox, long N);

/// <summary>
/// A facility's results over invitations issued in a period: how many were invited and responded, the response rate, NPS
/// (promoters 9-10, passives 7-8, detractors 0-6; score = % promoters - % detractors), and each composite's top-box score
/// (the mean of respondents' composite shares; n = respondents who answered any of its items).
/// </summary>
public sealed record SurveyResults(long Invited, long Responded, double ResponseRate, NpsResult Nps, IReadOnlyList<CompositeResult> Composites)
{
    public static SurveyResults Empty { get; } = From([]);

    public static SurveyResults From(IEnumerable<SurveyInvitation> issued)
    {
        long invited = 0, responded = 0, promoters = 0, passives = 0, detractors = 0;
        var composites = new SortedDictionary<string, (double Sum, long N)>(StringComparer.Ordinal);
        foreach (var invitation in issued)
        {
            invited++;
            if (invitation.Response is not { } response) continue;
            responded++;
            switch (response.Nps)
            {
                case >= 9: promoters++; break;
                case >= 7: passives++; break;
                case >= 0: detractors++; break;
            }

            foreach (var c in response.Composites)
            {
                composites.TryGetValue(c.CompositeId, out var acc);
                composites[c.CompositeId] = (acc.Sum + c.TopBox, acc.N + 1);
            }
        }

        var n = promoters + passives + detractors;
        return new SurveyResults(
            invited, responded, Ratio(responded, invited),
            new NpsResult(n == 0 ? 0 : Math.Round((promoters - detractors) * 100.0 / n, 1), promoters, passives, detractors, n),
            composites.Select(c => new CompositeResult(c.Key, Math.Round(c.Value.Sum / c.Value.N, 4), c.Value.N)).ToList());
    }

    private static double Ratio(long a, long b) => b == 0 ? 0 : Math.Round(a / (double)b, 4);
}
