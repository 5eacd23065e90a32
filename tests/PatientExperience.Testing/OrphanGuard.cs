using System.Diagnostics;

namespace PatientExperience.Testing;

/// <summary>
/// Makes sure what a test started does not outlive the test process for long, even when that process is killed
/// (SIGKILL, a runner timeout): a small detached shell polls the test process once a second and, when it is gone,
/// runs a clean-up. The guard ends by itself as soon as <c>keepWatching</c> fails (the thing it guards was stopped normally).
/// </summary>
internal static class OrphanGuard
{
    private const string SetSid = "/usr/bin/setsid";

    /// <param name="keepWatching">A shell condition; while it holds and the test process lives, the guard waits. Positional parameters $2... are <paramref name="arguments"/>.</param>
    /// <param name="cleanup">Shell commands run once the test process is gone while <paramref name="keepWatching"/> still held.</param>
    public static void Start(string keepWatching, string cleanup, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (OperatingSystem.IsWindows()) return;

        var script = $$"""
            exec </dev/null >/dev/null 2>&1
            trap '' INT HUP
            alive() { [ -r "/proc/$1/stat" ] && [ "$(sed 's/^.*) //' "/proc/$1/stat" | cut -c1)" != Z ]; }
            owner=$1
            while alive "$owner"; do
              {{keepWatching}} || exit 0
              sleep 1
            done
            {{keepWatching}} || exit 0
            {{cleanup}}
            """;

        // setsid -f: a new session in a forked child, so the guard is neither in the test process's tree nor its process group.
        var detached = File.Exists(SetSid);
        var startInfo = new ProcessStartInfo(detached ? SetSid : "/bin/sh") { UseShellExecute = false };
        if (detached)
        {
            startInfo.ArgumentList.Add("-f");
            startInfo.ArgumentList.Add("/bin/sh");
        }

        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(script);
        startInfo.ArgumentList.Add("pxp-test-guard");
        startInfo.ArgumentList.Add(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        if (environment is not null)
        {
            foreach (var (key, value) in environment) startInfo.Environment[key] = value;
        }

        using var process = Process.Start(startInfo);
        if (detached) process?.WaitForExit(TimeSpan.FromSeconds(5));
    }
}
