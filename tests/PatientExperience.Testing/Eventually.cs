namespace PatientExperience.Testing;

/// <summary>
/// Awaits a condition with a timeout. The project's rule: no sleeps to wait for asynchronous work; poll the condition
/// and fail with a message that says what was awaited.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan FirstInterval = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan MaxInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Polls <paramref name="condition"/> until it returns true. An exception thrown by the condition counts as "not yet";
    /// the last one becomes the inner exception of the <see cref="TimeoutException"/> thrown when <paramref name="timeout"/> passes.
    /// </summary>
    /// <param name="because">What is awaited, as it should read in the failure: "the case is acknowledged".</param>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string because, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        await UntilAsync<object>(async () => await condition().ConfigureAwait(false) ? (object)true : null, timeout, because, cancellationToken)
            .ConfigureAwait(false);
    }

    // The overloads below take no cancellation token (the timeout bounds them): they stand in for the per-project copies
    // tests used to have, whose calls the xUnit analyzers would otherwise ask to pass the test's token.

    /// <summary>The timeout of the overloads that take none.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Polls <paramref name="condition"/> until it is true, for <paramref name="timeout"/> (<see cref="DefaultTimeout"/> when null).</summary>
    /// <param name="because">What is awaited, as it should read in the failure: "the case to be acknowledged".</param>
    public static Task UntilAsync(Func<Task<bool>> condition, string because, TimeSpan? timeout = null) =>
        UntilAsync(condition, timeout ?? DefaultTimeout, because);

    /// <summary>As <see cref="UntilAsync(Func{Task{bool}}, string, TimeSpan?)"/>, for a condition on in-memory state.</summary>
    public static Task UntilAsync(Func<bool> condition, string because, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(() => Task.FromResult(condition()), timeout ?? DefaultTimeout, because);
    }

    /// <summary>
    /// Reads <paramref name="probe"/> until its value satisfies <paramref name="condition"/>, and returns that value. Exceptions
    /// count as "not yet", as in <see cref="UntilAsync(Func{Task{bool}}, TimeSpan, string, CancellationToken)"/>.
    /// </summary>
    public static async Task<T> MatchAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(condition);
        var match = await UntilAsync<Match<T>>(async () => await probe().ConfigureAwait(false) is var value && condition(value) ? new Match<T>(value) : null,
            timeout ?? DefaultTimeout, what).ConfigureAwait(false);
        return match.Value;
    }

    /// <summary>As <see cref="MatchAsync{T}(Func{Task{T}}, Func{T, bool}, string, TimeSpan?)"/>, for in-memory state.</summary>
    public static Task<T> MatchAsync<T>(Func<T> probe, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        return MatchAsync(() => Task.FromResult(probe()), condition, what, timeout);
    }

    private sealed record Match<T>(T Value);

    /// <summary>
    /// Polls <paramref name="probe"/> until it returns a value that is not null, and returns that value. Use a reference
    /// or nullable value type for <typeparamref name="T"/>: null means "not yet". Exceptions count as "not yet", as in
    /// <see cref="UntilAsync(Func{Task{bool}}, TimeSpan, string, CancellationToken)"/>.
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string because, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentException.ThrowIfNullOrWhiteSpace(because);
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive.");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var interval = FirstInterval;
        Exception? last = null;
        var attempts = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            attempts++;
            try
            {
                var value = await probe().ConfigureAwait(false);
                if (value is not null) return value;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                last = ex;
            }

            var left = timeout - clock.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                var detail = last is null ? "" : $" Last error: {last.GetType().Name}: {last.Message}";
                throw new TimeoutException(
                    $"Timed out after {timeout.TotalSeconds:0.###} s ({attempts} attempts) waiting until {because}.{detail}", last);
            }

            await Task.Delay(interval < left ? interval : left, cancellationToken).ConfigureAwait(false);
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, MaxInterval.Ticks));
        }
    }
}
