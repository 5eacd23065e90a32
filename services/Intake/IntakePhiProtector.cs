using Microsoft.Extensions.Options;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Intake;

/// <summary>The intake service's PHI protector: its own key ring (<c>Intake:Phi</c>, else <c>Phi</c>), never another service's.</summary>
public sealed class IntakePhiProtector(IOptionsMonitor<PhiOptions> options) : ServicePhiProtector(options, IntakeModule.ServiceName);
