using System.Security.Cryptography;
using System.Text;
using PatientExperience.Contracts.Intake;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Survey.Policy;

namespace PatientExperience.Survey.Invitations;

/// <summary>Why a discharge gets no survey. Codes, stable on the wire and in reports.</summary>
public static class IneligibleReasons
{
    public const string UnderAge = "under-18";
    public const string AgeUnknown = "age-unknown";
    public const string Deceased = "deceased";
    public const string Hospice = "discharged-to-hospice";
    public const string Custody = "discharged-to-custody";
    public const string NoPublicity = "no-publicity";
    public const string NoContactChannel = "no-contact-channel";
    public const string RecentlySurveyed = "recently-surveyed";
    public const string NotSampled = "not-sampled";
    public const string WindowPassed = "response-window-passed";
    public const string NoSurvey = "no-published-survey";
}

/// <summary>
/// Who is surveyed after a discharge. Every rule is here, in the order they are applied, and each refusal names its reason:
/// <list type="number">
/// <item>18 or older (age band known and not <c>under-18</c>);</item>
/// <item>alive at discharge (not <see cref="PatientDischarged.Deceased"/>, disposition not <c>exp</c>);</item>
/// <item>not discharged to hospice (<c>hosp</c>) or to custody (prison, jail, court or law enforcement: local codes
/// <c>prison</c>, <c>jail</c>, <c>court</c>, <c>law</c>; UB-04 <c>21</c>);</item>
/// <item>not flagged no-publicity or do-not-contact;</item>
/// <item>an email address or mobile number on file (a letter cannot carry a link);</item>
/// <item>not invited within the policy's minimum interval before this discharge (by <see cref="PatientDischarged.PatientReference"/>);</item>
/// <item>sampled at the policy's rate (a hash of the discharge id, so a redelivery decides the same);</item>
/// <item>the response window has not already passed (a discharge reported very late).</item>
/// </list>
/// Inpatient only: intake publishes <see cref="PatientDischarged"/> for finished inpatient encounters alone.
/// </summary>
public static class Eligibility
{
    public static readonly IReadOnlySet<string> AdultAgeBands = new HashSet<string>(StringComparer.Ordinal) { "18-34", "35-49", "50-64", "65-79", "80-plus" };
    public static readonly IReadOnlySet<string> ExpiredDispositions = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "exp", "20" };
    public static readonly IReadOnlySet<string> HospiceDispositions = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "hosp", "50", "51" };
    public static readonly IReadOnlySet<string> CustodyDispositions = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "prison", "jail", "court", "law", "21" };
    /// <summary>The channels an invitation can go by (a link needs email or SMS; a letter cannot carry one).</summary>
    public static readonly IReadOnlySet<string> InvitationChannels = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { NotificationChannel.Email.ToWire(), NotificationChannel.Sms.ToWire() };

    /// <param name="lastInvitedDischargeAt">The discharge time of the patient's latest other invited discharge, if any.</param>
    /// <returns>Null when eligible; else the reason (<see cref="IneligibleReasons"/>).</returns>
    public static string? IneligibleReason(PatientDischarged discharge, SurveyPolicy policy, DateTimeOffset now, DateTimeOffset? lastInvitedDischargeAt)
    {
        ArgumentNullException.ThrowIfNull(discharge);
        ArgumentNullException.ThrowIfNull(policy);
        if (discharge.AgeBand == "under-18") return IneligibleReasons.UnderAge;
        if (!AdultAgeBands.Contains(discharge.AgeBand ?? "")) return IneligibleReasons.AgeUnknown;
        var disposition = discharge.Disposition ?? "";
        if (discharge.Deceased || ExpiredDispositions.Contains(disposition)) return IneligibleReasons.Deceased;
        if (HospiceDispositions.Contains(disposition)) return IneligibleReasons.Hospice;
        if (CustodyDispositions.Contains(disposition)) return IneligibleReasons.Custody;
        if (discharge.NoPublicity) return IneligibleReasons.NoPublicity;
        if (!discharge.ContactChannels.Any(InvitationChannels.Contains)) return IneligibleReasons.NoContactChannel;
        if (lastInvitedDischargeAt is { } last && (discharge.DischargedAt - last).Duration() < policy.MinimumInterval) return IneligibleReasons.RecentlySurveyed;
        if (!Sampling.IsSampled(discharge.DischargeId, policy.SamplingRate)) return IneligibleReasons.NotSampled;
        if (discharge.DischargedAt + policy.InvitationDelay + policy.ResponseWindow <= now) return IneligibleReasons.WindowPassed;
        return null;
    }
}

/// <summary>
/// Which eligible discharges are invited: a discharge is in the sample when a hash of its id, read as a fraction of 1, is
/// below the rate. Deterministic (a redelivered discharge is decided the same way), uniform, and independent of arrival order.
/// </summary>
public static class Sampling
{
    public static bool IsSampled(Guid dischargeId, double rate)
    {
        if (rate >= 1) return true;
        if (rate <= 0) return false;
        return Fraction(dischargeId) < rate;
    }

    /// <summary>The discharge's place in [0, 1).</summary>
    public static double Fraction(Guid dischargeId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.ASCII.GetBytes(dischargeId.ToString("N")), hash);
        var bits = BitConverter.ToUInt64(hash[..8]) >> 11; // 53 bits: exact in a double
        return bits / (double)(1UL << 53);
    }
}
