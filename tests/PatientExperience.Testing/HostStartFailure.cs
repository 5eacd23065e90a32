namespace PatientExperience.Testing;

/// <summary>
/// The exception a web test host's start fails with. <c>WebApplicationFactory</c>'s deferred host waits for the app's entry
/// point to start the real host and then reads the host's services; when that start fails, the entry point disposes its
/// host, and if the disposal wins the race the factory throws <see cref="ObjectDisposedException"/> (the service provider)
/// instead of the start's own exception. The failure itself is deterministic, the race is not: a start that lost it is
/// tried again, so a test sees the refusal it asserts on.
/// </summary>
public static class HostStartFailure
{
    private const int Attempts = 5;

    /// <summary>Runs <paramref name="start"/> (which must fail) and returns its exception, past the disposal race.</summary>
    public static async Task<Exception> OfAsync(Func<Task> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await start();
            }
            catch (ObjectDisposedException) when (attempt < Attempts)
            {
                continue;
            }
            catch (Exception e)
            {
                return e;
            }

            throw new InvalidOperationException("The host started; a failure was expected.");
        }
    }

    /// <summary>As <see cref="OfAsync"/>, for a start made by a synchronous call (the factory's first client).</summary>
    public static Exception Of(Action start) => OfAsync(() =>
    {
        start();
        return Task.CompletedTask;
    }).GetAwaiter().GetResult();
}
