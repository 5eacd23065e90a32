namespace PatientExperience.Reporting.Kpis;

/// <summary>
/// Net Promoter Score and its 95% confidence interval. NPS = 100 (p - d), with p and d the shares of promoters (9-10) and
/// detractors (0-6) among n answers. p and d are two proportions of one multinomial sample, so
/// Var(p - d) = [p + d - (p - d)^2] / n (the variance of a difference of dependent proportions), and the interval is the
/// Wald interval 100 [(p - d) -/+ 1.96 sqrt(Var)], clamped to [-100, 100].
/// </summary>
public static class NpsStatistics
{
    private const double Z95 = 1.959963984540054;

    public static double? Score(long promoters, long passives, long detractors)
    {
        var n = promoters + passives + detractors;
        return n == 0 ? null : Math.Round(100.0 * (promoters - detractors) / n, 1);
    }

    public static IReadOnlyList<double>? Interval95(long promoters, long passives, long detractors)
    {
        var n = promoters + passives + detractors;
        if (n == 0) return null;
        double p = (double)promoters / n, d = (double)detractors / n;
        var variance = Math.Max(0, p + d - (p - d) * (p - d)) / n;
        var half = Z95 * Math.Sqrt(variance);
        return [Math.Round(Math.Max(-100, 100 * (p - d - half)), 1), Math.Round(Math.Min(100, 100 * (p - d + half)), 1)];
    }
}
