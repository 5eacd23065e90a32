using System.Runtime.InteropServices;

namespace PatientExperience.Testing;

/// <summary>
/// Last-moment clean-ups when the test process ends without disposing what it started: normal exit (ProcessExit) and
/// SIGTERM, SIGINT, SIGHUP, SIGQUIT (a runner's timeout, Ctrl+C). A test runner may end on SIGTERM without raising
/// ProcessExit, hence the signal handlers. SIGKILL cannot be caught: <see cref="OrphanGuard"/> covers it.
/// </summary>
internal static class ExitHooks
{
    private static readonly Lock Gate = new();
    private static readonly List<Action> Actions = [];
    private static readonly List<PosixSignalRegistration> Signals = [];
    private static bool _installed;

    public static IDisposable Register(Action cleanup)
    {
        lock (Gate)
        {
            Install();
            Actions.Add(cleanup);
        }

        return new Registration(cleanup);
    }

    private static void Install()
    {
        if (_installed) return;
        _installed = true;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => RunAll();
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
        {
            try
            {
                // The handler does not cancel: the signal's default action (ending the process) follows.
                Signals.Add(PosixSignalRegistration.Create(signal, _ => RunAll()));
            }
            catch (PlatformNotSupportedException)
            {
                // Not every signal exists everywhere (Windows).
            }
        }
    }

    private static void RunAll()
    {
        Action[] pending;
        lock (Gate)
        {
            pending = [.. Actions];
            Actions.Clear();
        }

        foreach (var cleanup in pending)
        {
            try
            {
                cleanup();
            }
#pragma warning disable CA1031 // The process is ending: one failed clean-up must not stop the others.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private sealed class Registration(Action cleanup) : IDisposable
    {
        public void Dispose()
        {
            lock (Gate) Actions.Remove(cleanup);
        }
    }
}
