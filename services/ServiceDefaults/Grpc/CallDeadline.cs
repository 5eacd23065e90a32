namespace PatientExperience.ServiceDefaults.Grpc;

/// <summary>
/// The absolute deadline a gRPC call takes (<c>CallOptions.Deadline</c> is a UTC <see cref="DateTime"/>). A call's
/// timeout is network time, measured on the wall clock: a test that moves a service's <see cref="TimeProvider"/> by hours
/// must not make its calls time out. So this, not the services' domain code, is where a call's deadline reads the system
/// clock (the architecture tests keep the services free of clock reads).
/// </summary>
public static class CallDeadline
{
    public static DateTime After(TimeSpan timeout) => DateTime.UtcNow.Add(timeout);
}
