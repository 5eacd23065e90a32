using Microsoft.Extensions.Options;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Case;

/// <summary>The case service's PHI protector: its own key ring (<c>Case:Phi</c>, else <c>Phi</c>), never another service's.</summary>
public sealed class CasePhiProtector(IOptionsMonitor<PhiOptions> options) : ServicePhiProtector(options, CaseModule.ServiceName);
