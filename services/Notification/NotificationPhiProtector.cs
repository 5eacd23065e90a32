using Microsoft.Extensions.Options;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Notification;

/// <summary>The notification service's PHI protector: its own key ring (<c>Notification:Phi</c>, else <c>Phi</c>), never another service's.</summary>
public sealed class NotificationPhiProtector(IOptionsMonitor<PhiOptions> options) : ServicePhiProtector(options, NotificationModule.ServiceName);
