using System.Diagnostics;

namespace PatientExperience.LocalRabbitMq;

/// <summary>The outcome of a command-line tool run to completion (or stopped at its timeout).</summary>
public readonly record struct CliResult(int ExitCode, string Output, bool TimedOut)
{
    public bool Succeeded => !TimedOut && ExitCode == 0;

    public override string ToString() => TimedOut ? $"timed out; output: {Output}" : $"exit code {ExitCode}; output: {Output}";
}

/// <summary>Runs command-line tools (rabbitmqctl, epmd, kill) with a bounded time and their output captured.</summary>
public static class Cli
{
    public static async Task<CliResult> RunAsync(string fileName, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var process = Start(fileName, arguments, environment);
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var timedOut = false;
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            cts.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                KillQuietly(process);
                cancellationToken.ThrowIfCancellationRequested();
                timedOut = true;
            }
        }

        // A daemon started by the tool (epmd) could keep the pipes open: do not wait for them for long.
        var output = await Task.WhenAll(stdout, stderr).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None)
            .ContinueWith(t => t.IsCompletedSuccessfully ? string.Concat(t.Result).Trim() : "", TaskScheduler.Default).ConfigureAwait(false);
        return new CliResult(timedOut ? -1 : process.ExitCode, output, timedOut);
    }

    /// <summary>For process-exit handlers, where nothing can be awaited.</summary>
    public static CliResult Run(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout)
    {
        using var process = Start(fileName, arguments, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            KillQuietly(process);
            return new CliResult(-1, "", true);
        }

        var output = Task.WhenAll(stdout, stderr).Wait(TimeSpan.FromSeconds(2)) ? string.Concat(stdout.Result, stderr.Result).Trim() : "";
        return new CliResult(process.ExitCode, output, false);
    }

    private static Process Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        if (environment is not null)
        {
            foreach (var (key, value) in environment) startInfo.Environment[key] = value;
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        process.StandardInput.Close();
        return process;
    }

    public static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Exited meanwhile, or not ours to kill.
        }
    }
}
