namespace PatientExperience.Case.Tests;

/// <summary>Awaits a condition with a deadline: the project's rule instead of sleeping for asynchronous work.</summary>
public static class Eventually
{
    public static async Task UntilAsync(Func<Task<bool>> condition, string because, TimeSpan? timeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            while (!await condition()) await Task.Delay(20, cts.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Timed out waiting for {because}.");
        }
    }

    public static Task UntilAsync(Func<bool> condition, string because, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), because, timeout);
}
