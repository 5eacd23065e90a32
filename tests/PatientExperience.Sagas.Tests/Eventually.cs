namespace PatientExperience.Sagas.Tests;

/// <summary>Awaits a condition on asynchronous state by polling, with a deadline, instead of sleeping a guessed time.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task<T> MatchAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var value = await probe();
            if (condition(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting until {what}.");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public static Task<T> MatchAsync<T>(Func<T> probe, Func<T, bool> condition, string what, TimeSpan? timeout = null) =>
        MatchAsync(() => Task.FromResult(probe()), condition, what, timeout);
}
