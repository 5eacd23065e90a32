using Microsoft.Extensions.Options;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Survey;

/// <summary>The survey service's PHI protector: its own key ring (<c>Survey:Phi</c>, else <c>Phi</c>), never another service's.</summary>
public sealed class SurveyPhiProtector(IOptionsMonitor<PhiOptions> options) : ServicePhiProtector(options, SurveyModule.ServiceName);
